import pytest
from django.urls import reverse

from matching.models import MatchingRun, Proposal, UnfilledSlot
from matching.services import matching_run_execute
from placements.models import Placement
from tests.matching.factories import employee, need_with_shifts, proposal_in_home

pytestmark = pytest.mark.django_db


def test_coordinator_starts_a_run_and_reads_explanations(
    client, world, django_capture_on_commit_callbacks
):
    need_with_shifts(world, shifts=((3, 7),))
    employee(world, "sykepleier", percent=60, wants_more=True)
    client.force_login(world.coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:run"))
    assert response.status_code == 302
    response = client.get(response["Location"])

    assert response.status_code == 200
    run = MatchingRun.objects.get()
    assert run.trigger == "manual" and run.requested_by == world.coordinator
    page = response.content.decode()
    assert "dekker helsefagarbeider" in page  # Norwegian by default
    assert "ønsker flere vakter" in page


def test_explanations_follow_the_readers_language(client, world, settings):
    """A run is saved once, by whoever triggered it; each reader gets their own language."""
    need_with_shifts(world, shifts=((3, 7),))
    need_with_shifts(world, "lege", shifts=((3, 7),))  # nobody is a doctor: unfilled
    employee(world, "sykepleier", percent=60, wants_more=True)
    employee(world, "sykepleier", percent=60, wants_more=True)
    matching_run_execute(trigger=MatchingRun.Trigger.MANUAL)
    proposal = Proposal.objects.get()
    assert set(proposal.explanations) == {"nb", "en"}
    assert proposal.alternatives and set(proposal.alternatives[0]["reason"]) == {"nb", "en"}
    assert set(UnfilledSlot.objects.get().reasons) == {"nb", "en"}
    client.force_login(world.coordinator)

    norwegian = client.get(reverse("matching:index")).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("matching:index")).content.decode()

    # qualification names are the municipality's data; the wording around them is translated
    assert "Sykepleier, covers helsefagarbeider · internal, part-time 60 % wants more" in english
    assert "dekker helsefagarbeider" not in english
    assert "dekker helsefagarbeider" in norwegian and "covers helsefagarbeider" not in norwegian
    # the alternatives (checked when a row is opened) and the unfilled slots too
    alternatives = client.get(
        reverse("matching:alternatives", args=[proposal.pk]), HTTP_HX_REQUEST="true"
    )
    assert "internal, part-time 60 % wants more hours" in alternatives.content.decode()
    assert "Alternatives free now" in alternatives.content.decode()
    assert "no active worker is lege or covers it" in english
    assert "ingen aktive er lege eller har en kompetanse som dekker det" in norwegian


def test_approve_button_creates_the_placement(client, world):
    proposal = proposal_in_home(world)
    client.force_login(world.coordinator)

    response = client.post(reverse("matching:approve", args=[proposal.pk]))

    assert response.status_code == 302
    placement = Placement.objects.get()
    assert placement.worker == proposal.worker and placement.approved_by == world.coordinator


def test_a_refused_approval_shows_the_reason_and_changes_nothing(client, world):
    worker = employee(world)
    first = proposal_in_home(world, worker=worker)
    second = proposal_in_home(world, worker=worker)
    client.force_login(world.coordinator)
    client.post(reverse("matching:approve", args=[first.pk]))

    response = client.post(reverse("matching:approve", args=[second.pk]), follow=True)

    assert worker.full_name in response.content.decode()
    assert Placement.objects.count() == 1
    second.refresh_from_db()
    assert second.status == Proposal.Status.PROPOSED


def test_rejecting_without_a_reason_shows_a_field_error(client, world):
    proposal = proposal_in_home(world)
    client.force_login(world.coordinator)

    response = client.post(reverse("matching:reject", args=[proposal.pk]), {"reason": ""})

    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PROPOSED


def test_rejecting_with_a_reason(client, world):
    proposal = proposal_in_home(world)
    client.force_login(world.coordinator)
    response = client.post(reverse("matching:reject", args=[proposal.pk]), {"reason": "Syk"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reject_reason) == (Proposal.Status.REJECTED, "Syk")


def test_picking_an_unknown_alternative_is_a_field_error(client, world):
    proposal = proposal_in_home(world)
    client.force_login(world.coordinator)
    response = client.post(reverse("matching:pick", args=[proposal.pk]), {"worker": "999"})
    assert response.status_code == 400
    assert response.context["form"].errors["worker"]
    assert not Placement.objects.exists()


def test_the_page_shows_the_weights(client, world):
    client.force_login(world.coordinator)
    response = client.get(reverse("matching:index"))
    assert response.status_code == 200
    assert "§ 14-3" in response.content.decode()


@pytest.mark.parametrize("needs", [2, 6])
def test_the_proposal_page_runs_a_bounded_number_of_queries(
    client, world, needs, django_assert_max_num_queries
):
    for i in range(needs):
        need_with_shifts(world, shifts=((3 + i, 7), (3 + i, 15)))
        employee(world)
    matching_run_execute(trigger="manual")
    assert Proposal.objects.count() >= needs
    client.force_login(world.coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("matching:index"))
    assert response.status_code == 200


def test_a_text_saved_in_one_language_is_shown_to_every_reader(client, world, settings):
    """Texts from before explanations were kept per language are shown as they are."""
    proposal_in_home(world, explanations={"nb": "Sykepleier · ingen ekstra kostnad"})
    client.force_login(world.coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    assert (
        "Sykepleier · ingen ekstra kostnad"
        in client.get(reverse("matching:index")).content.decode()
    )
