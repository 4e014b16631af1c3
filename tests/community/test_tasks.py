import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import HelpRequest, Task, TaskOffer, Visit
from outbox.models import Message
from staffing.models import Skill
from tests.community.factories import general_volunteer, help_request, sent_task, task_for
from volunteers.models import Status


def _link(message: Message) -> str:
    return re.search(r"https?://\S+(/task/[A-Za-z0-9_-]+/)", message.body).group(1)


def test_triage_accept_refer_close(world):
    coordinator = world.volunteer_coordinator
    accepted = services.help_request_accept(help_request=help_request(world), by=coordinator)
    assert accepted.status == HelpRequest.Status.ACCEPTED and accepted.triaged_by == coordinator

    referred = services.help_request_refer(
        help_request=help_request(world), by=coordinator, referred_to="home_care", note="Stell"
    )
    assert referred.status == HelpRequest.Status.REFERRED
    assert referred.referred_to == "home_care" and referred.closed_at is not None

    closed = services.help_request_close(
        help_request=help_request(world), by=coordinator, reason="duplicate"
    )
    assert closed.status == HelpRequest.Status.CLOSED and closed.closed_by == coordinator
    with pytest.raises(services.CommunityError):
        services.help_request_accept(help_request=closed, by=coordinator)


def test_the_list_puts_urgent_requests_first_with_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries
):
    for _ in range(30):
        help_request(world)
    urgent = help_request(world, urgent=True, wanted_on=timezone.localdate() + dt.timedelta(days=9))
    client.force_login(world.volunteer_coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("community:request_list"))
    assert response.status_code == 200
    assert response.context["page"][0] == urgent
    assert len(response.context["page"]) == 25


def test_a_weekly_series_has_one_visit_a_week(world):
    task = task_for(world, frequency="weekly", weeks=3)
    assert task.visits.count() == 4
    assert task.request.status == HelpRequest.Status.ACCEPTED


def test_only_suitable_volunteers_are_candidates(world):
    english = Skill.objects.create(code="engelsk", name="Engelsk", kind=Skill.Kind.LANGUAGE)
    request = help_request(world, language=english)
    fits = general_volunteer(world)
    fits.languages.add(english)
    paused = general_volunteer(world, is_paused=True)
    paused.languages.add(english)
    elsewhere = general_volunteer(world, district=world.south)
    elsewhere.languages.add(english)
    no_language = general_volunteer(world)
    in_pool = general_volunteer(world, status=Status.STAFFING_POOL)
    in_pool.languages.add(english)
    task = task_for(world, request=request)
    assert services.task_candidates(task) == [fits]
    offers, refused = services.task_offer_send(
        task=task,
        volunteer_ids=[fits.pk, paused.pk, elsewhere.pk, no_language.pk],
        by=world.volunteer_coordinator,
    )
    assert [o.volunteer for o in offers] == [fits]
    assert len(refused) == 3


def test_first_yes_takes_the_task_and_the_others_are_told(client, world):
    volunteers = [general_volunteer(world) for _ in range(3)]
    task, offers = sent_task(world, volunteers)
    assert task.status == Task.Status.OFFERED
    links = [_link(m) for m in Message.objects.filter(kind="community.task_offer").order_by("pk")]
    assert len(links) == 3
    # the details of the resident are not in the message nor on the page before a yes
    for message in Message.objects.filter(kind="community.task_offer"):
        assert "Astrid" not in message.body and "Storgata" not in message.body
    page = client.get(links[1]).content.decode()
    assert "Storgata" not in page

    # GET changes nothing
    assert TaskOffer.objects.filter(status=TaskOffer.Status.PENDING).count() == 3

    response = client.post(links[1], {"answer": "yes"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.TAKEN and task.volunteer == volunteers[1]
    page = client.get(links[1]).content.decode()
    assert "Astrid" in page and "Storgata 1" in page and "tel:+4791111111" in page

    taken = Message.objects.filter(kind="community.task_taken")
    assert sorted(m.recipient for m in taken) == sorted([volunteers[0].email, volunteers[2].email])
    # a late yes is told the task is taken, and sees nothing of the resident
    client.post(links[0], {"answer": "yes"})
    page = client.get(links[0]).content.decode()
    assert "Storgata" not in page
    assert TaskOffer.objects.get(pk=offers[0].pk).status == TaskOffer.Status.TAKEN
    assert Task.objects.get(pk=task.pk).volunteer == volunteers[1]


def test_messages_go_in_the_volunteers_language(world):
    english = general_volunteer(world, language="en")
    sent_task(world, [english])
    message = Message.objects.get(kind="community.task_offer")
    assert message.language == "en"
    assert message.subject == "Can you help a resident?"


def test_the_volunteer_reports_done_and_then_sees_no_more(client, world):
    volunteer = general_volunteer(world)
    task, _offers = sent_task(world, [volunteer], days=0)
    link = _link(Message.objects.get(kind="community.task_offer"))
    client.post(link, {"answer": "yes"})
    visit = task.visits.get()
    response = client.post(link + "report/", {"visit": visit.pk, "outcome": "done"})
    assert response.status_code == 302
    visit.refresh_from_db()
    task.refresh_from_db()
    assert visit.status == Visit.Status.DONE
    assert task.status == Task.Status.DONE
    request = task.request
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.CLOSED
    assert request.close_reason == HelpRequest.CloseReason.COMPLETED
    page = client.get(link).content.decode()
    assert "Storgata" not in page and "Astrid" not in page


def test_not_possible_needs_a_reason_and_tells_the_coordinator(client, world):
    volunteer = general_volunteer(world)
    task, _offers = sent_task(world, [volunteer], days=0)
    link = _link(Message.objects.get(kind="community.task_offer"))
    client.post(link, {"answer": "yes"})
    visit = task.visits.get()
    response = client.post(link + "report/", {"visit": visit.pk, "outcome": "not_possible"})
    assert response.status_code == 400
    client.post(
        link + "report/", {"visit": visit.pk, "outcome": "not_possible", "reason": "Ingen hjemme"}
    )
    task.refresh_from_db()
    assert task.status == Task.Status.NOT_POSSIBLE
    assert task.request.status == HelpRequest.Status.ACCEPTED  # the coordinator decides
    assert Message.objects.filter(kind="community.visit_not_possible").exists()


def test_a_future_visit_cannot_be_reported(world):
    volunteer = general_volunteer(world)
    task, offers = sent_task(world, [volunteer], days=3)
    services.task_offer_accept(offer=offers[0])
    with pytest.raises(services.CommunityError):
        services.visit_report(offer=offers[0], visit_id=task.visits.get().pk, done=True)


def test_all_no_puts_the_task_back_on_the_list(world):
    task, offers = sent_task(world, [general_volunteer(world), general_volunteer(world)])
    for offer in offers:
        services.task_offer_decline(offer=offer, reason="Bortreist")
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


def test_an_offer_past_its_deadline_cannot_be_answered(world):
    task, offers = sent_task(world, [general_volunteer(world)])
    TaskOffer.objects.filter(pk=offers[0].pk).update(deadline=timezone.now())
    answer = services.task_offer_accept(offer=offers[0])
    assert answer.outcome == "closed"
    task.refresh_from_db()
    assert task.volunteer is None


def test_closing_the_request_ends_its_tasks_and_tells_the_volunteer(world):
    volunteer = general_volunteer(world)
    task, offers = sent_task(world, [volunteer], frequency="weekly", weeks=4)
    services.task_offer_accept(offer=offers[0])
    services.help_request_close(
        help_request=task.request, by=world.volunteer_coordinator, reason="not_needed"
    )
    task.refresh_from_db()
    assert task.status == Task.Status.CANCELLED
    assert not task.visits.filter(status=Visit.Status.PLANNED).exists()
    assert Message.objects.filter(kind="community.task_ended", recipient=volunteer.email).exists()


def test_coordinator_sees_overdue_and_recurring_tasks(client, world, django_assert_max_num_queries):
    volunteer = general_volunteer(world)
    task, offers = sent_task(world, [volunteer], frequency="weekly", weeks=2, days=0)
    services.task_offer_accept(offer=offers[0])
    first = task.visits.order_by("due_on").first()
    Visit.objects.filter(pk=first.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    for _ in range(5):
        task_for(world)
    client.force_login(world.volunteer_coordinator)
    with django_assert_max_num_queries(15):
        overdue = client.get(reverse("community:task_list"), {"view": "overdue"})
    assert list(overdue.context["page"]) == [task]
    recurring = client.get(reverse("community:task_list"), {"view": "recurring"})
    assert list(recurring.context["page"]) == [task]
    open_tasks = client.get(reverse("community:task_list"), {"view": "open"})
    assert len(open_tasks.context["page"]) == 5


def test_the_follow_up_call_is_recorded_with_a_tel_link(client, world):
    task = task_for(world)
    client.force_login(world.volunteer_coordinator)
    page = client.get(reverse("community:task_detail", args=[task.pk])).content.decode()
    assert 'href="tel:+4791111111"' in page
    client.post(reverse("community:follow_up", args=[task.pk]), {"outcome": "went_well"})
    assert task.follow_ups.get().by == world.volunteer_coordinator


def test_send_through_the_page(client, world):
    volunteers = [general_volunteer(world) for _ in range(3)]
    task = task_for(world)
    client.force_login(world.volunteer_coordinator)
    response = client.post(
        reverse("community:task_send", args=[task.pk]), {"volunteers": [v.pk for v in volunteers]}
    )
    assert response.status_code == 302
    assert TaskOffer.objects.filter(task=task).count() == 3


def test_a_request_signalling_a_care_need_shows_a_hint_to_refer(client, world):
    plain = help_request(world)
    care = help_request(world, description="Trenger hjelp med dusj og medisiner")
    client.force_login(world.volunteer_coordinator)
    assert (
        'id="care-hint"'
        not in client.get(reverse("community:request_detail", args=[plain.pk])).content.decode()
    )
    assert (
        'id="care-hint"'
        in client.get(reverse("community:request_detail", args=[care.pk])).content.decode()
    )


def test_the_coordinator_ends_a_taken_series_through_the_page(client, world):
    volunteer = general_volunteer(world)
    task, offers = sent_task(world, [volunteer], frequency="weekly", weeks=2)
    services.task_offer_accept(offer=offers[0])
    client.force_login(world.volunteer_coordinator)
    response = client.post(reverse("community:task_end", args=[task.pk]), {"reason": "Flyttet"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.CANCELLED and task.end_reason == "Flyttet"
    assert Message.objects.filter(kind="community.task_ended", recipient=volunteer.email).exists()
