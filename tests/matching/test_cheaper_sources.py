"""Item 8 of issue 13: in a crisis the municipality's own free capacity covers only part of the
needs; volunteers and agency temps are proposed too, and the matching page says why a cheaper
source was not enough."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count
from django.utils import translation

from matching.models import Proposal
from matching.services import matching_run_execute
from tests.matching.factories import employee, need_with_shifts
from tests.matching.test_runs import agency_temp
from tests.staffing.factories import AvailabilityFactory, WorkerFactory


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.mark.django_db
def test_each_dearer_proposal_says_why_no_cheaper_source_was_enough(client, world):
    # two slots; one free employee, one volunteer, one agency temp
    need = need_with_shifts(world, shifts=((3, 7),))
    need.shifts.update(headcount=3)
    employee(world)
    volunteer = WorkerFactory(
        source="volunteer", qualifications=[world.quals["helsefagarbeider"]], verified_hpr=True
    )
    AvailabilityFactory(worker=volunteer)
    agency_temp(world)

    matching_run_execute(trigger="manual")

    by_source = {p.worker.source: p for p in Proposal.objects.select_related("worker")}
    assert set(by_source) == {"employee", "volunteer", "agency"}
    assert "cheaper" not in by_source["employee"].explanations["en"]
    # the one employee is free, but needed on another slot of the same shift
    assert (
        "1 cheaper person is free, but needed on another shift or kept off by working-time "
        "rules" in by_source["volunteer"].explanations["en"]
    )
    assert "2 cheaper people are free" in by_source["agency"].explanations["en"]
    assert by_source["agency"].explanations["nb"] != by_source["agency"].explanations["en"]

    client.force_login(world.coordinator)
    page = client.get("/matching/").content.decode()
    assert 'id="cheaper-sources"' in page
    assert '<span data-source="volunteer">1 by a volunteer</span>' in page
    assert '<span data-source="agency">1 by an agency temp</span>' in page


@pytest.mark.django_db
def test_an_agency_temp_on_a_night_nobody_cheaper_can_take_says_so(world):
    need = need_with_shifts(world, shifts=((3, 22),))
    employee(world, available=False)
    agency_temp(world)

    matching_run_execute(trigger="manual")

    proposal = Proposal.objects.get(shift__need=need)
    assert proposal.worker.source == "agency"
    assert (
        "no internal employee or volunteer is qualified and free then"
        in (proposal.explanations["en"])
    )


@pytest.mark.django_db
def test_the_demo_at_scale_1_proposes_people_of_every_source(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo", "--scale", "1", "--quiet-users")

    counts = dict(
        Proposal.objects.values("worker__source")
        .annotate(n=Count("pk"))
        .values_list("worker__source", "n")
    )

    assert set(counts) == {"employee", "volunteer", "agency"}, counts
    # internal staff still come first: they fill the most slots
    assert counts["employee"] > counts["volunteer"] and counts["employee"] > counts["agency"]
    agency = Proposal.objects.filter(worker__source="agency").first()
    assert (
        "cheaper" in agency.explanations["en"]
        or "qualified and free then" in (agency.explanations["en"])
    )
