from django.core import mail

from outbox.models import Message


def test_a_password_reset_link_leaves_through_the_outbox_after_the_request(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/accounts/password/reset/", {"email": world.hr.email})

    assert response.status_code == 302
    message = Message.objects.get(recipient=world.hr.email)
    assert message.kind == "accounts.password_reset_key"
    assert message.status == Message.Status.QUEUED
    assert mail.outbox == []  # nothing sent inside the request

    for callback in callbacks:
        callback()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.hr.email]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
