import pytest
from django.core.management import call_command

from inventory import demo
from inventory.models import Answer, Inventory

pytestmark = pytest.mark.django_db


def test_the_demo_has_one_inventory_in_progress_and_loads_once(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo", "--scale", "0.2", "--quiet-users")

    inventory = Inventory.objects.get(title=demo.TITLE)
    invitations = inventory.invitations.all()
    total = invitations.count()
    answered = invitations.filter(answered_at__isnull=False).count()
    opened = invitations.filter(opened_at__isnull=False).count()
    assert 0 < answered < opened <= total  # in progress: some answered, some only opened
    assert Answer.objects.filter(status=Answer.Status.VERIFIED).count() == 1
    assert Answer.objects.filter(status=Answer.Status.REPORTED).exists()
    verified = Answer.objects.get(status=Answer.Status.VERIFIED)
    worker = verified.invitation.worker
    assert set(verified.qualifications.all()) <= set(worker.qualifications.all())

    assert demo.load(scale=0.2, seed=2020) == {}
    assert Inventory.objects.count() == 1
