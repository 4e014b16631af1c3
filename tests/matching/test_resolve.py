"""The incremental re-solve: after one answer, one cancelled shift or one new availability,
matching re-solves only the part of the instance the change touches and saves only the
proposals that change."""

import pytest

from matching import services
from matching.adapter import candidate_id, instance_build
from matching.engine import objective_of, solve
from matching.models import MatchingRun, Proposal, UnfilledSlot
from matching.offers import offer_decline
from matching.services import ResolveConflict, matching_resolve, matching_run_execute
from needs.services import need_cancel
from placements.models import Placement
from tests.matching.factories import at, employee, need_with_shifts, offer_sent
from tests.staffing.factories import AvailabilityFactory

pytestmark = pytest.mark.django_db


def open_rows():
    return {
        p.pk: (p.shift_id, p.worker_id)
        for p in Proposal.objects.filter(status=Proposal.Status.PROPOSED)
    }


def objective_now() -> tuple[float, float]:
    """(objective of the proposals as saved, objective of a full run now), both over the full
    instance as it stands."""
    loaded = instance_build()
    by_shift: dict[int, list[str]] = {}
    for slot in loaded.instance.slots:
        by_shift.setdefault(loaded.slot_shift[slot.id][0], []).append(slot.id)
    assignments = {}
    for shift_id, rows in _proposed_by_shift().items():
        for slot, worker_id in zip(by_shift.get(shift_id, ()), rows, strict=False):
            assignments[slot] = candidate_id(worker_id)
    saved = objective_of(loaded.instance, assignments)
    return saved, solve(loaded.instance).objective


def _proposed_by_shift() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for shift_id, worker_id in (
        Proposal.objects.filter(status=Proposal.Status.PROPOSED)
        .order_by("shift_id", "slot_index", "pk")
        .values_list("shift_id", "worker_id")
    ):
        out.setdefault(shift_id, []).append(worker_id)
    return out


def test_a_no_re_solves_only_around_its_slot_and_keeps_every_other_proposal(world):
    need = need_with_shifts(world, shifts=((3, 7),))
    far = need_with_shifts(world, shifts=((20, 7), (21, 7), (22, 7)), qual="sykepleier")
    employee(world)
    employee(world)
    for _ in range(3):
        # nurses cover the first need too, but are free only in the third week
        nurse = employee(world, "sykepleier", available=False)
        AvailabilityFactory(worker=nurse, start=at(19, 0), end=at(24, 0))
    full = matching_run_execute(trigger="manual")
    assert full.filled == 4
    before = open_rows()
    first = Proposal.objects.get(shift__need=need)
    offer, _token = offer_sent(world, proposal=first)

    offer_decline(offer=offer, reason="Syk")

    run = matching_resolve(trigger=MatchingRun.Trigger.OFFER_ANSWERED, shift_ids=[first.shift_id])
    assert run.status == MatchingRun.Status.SUCCEEDED
    # the part re-solved is the declined shift, not the nurses' need three weeks later
    assert run.slots == 1 and run.filled == 1
    after = open_rows()
    nxt = Proposal.objects.get(shift__need=need, status=Proposal.Status.PROPOSED)
    assert nxt.worker_id != offer.worker_id and nxt.run_id == run.pk
    assert nxt.explanation and nxt.slot_index == 0
    # every proposal of the other need is the same row as before
    far_rows = {pk for pk, row in before.items() if row[0] != first.shift_id}
    assert len(far_rows) == far.shifts.count() == 3
    assert far_rows <= set(after)
    saved, best = objective_now()
    assert saved <= best * 1.005 + 1e-6


def test_a_no_lets_a_person_move_and_their_old_slot_is_refilled(world):
    """The next best for the declined slot already holds another one: the re-solve moves
    them when that is cheaper overall, and fills what they leave."""
    need = need_with_shifts(world, shifts=((3, 7), (5, 7)))
    a = employee(world, percent=50, wants_more=True)  # cheapest: asked for more hours
    b = employee(world)
    employee(world)
    matching_run_execute(trigger="manual")
    shift3, shift5 = need.shifts.order_by("start")
    on3 = Proposal.objects.get(shift=shift3, status="proposed")
    offer, _token = offer_sent(world, proposal=on3)
    offer_decline(offer=offer)

    run = matching_resolve(trigger="offer_answered", shift_ids=[shift3.pk])

    assert run is not None and run.status == MatchingRun.Status.SUCCEEDED
    rows = {p.shift_id: p.worker_id for p in Proposal.objects.filter(status="proposed")}
    assert set(rows) == {shift3.pk, shift5.pk}
    assert rows[shift3.pk] != offer.worker_id
    assert {a.pk, b.pk} & set(rows.values())
    saved, best = objective_now()
    assert saved <= best * 1.005 + 1e-6


def test_waiting_and_accepted_offers_are_pinned(world):
    need = need_with_shifts(world, shifts=((3, 7),))
    other = need_with_shifts(world, shifts=((3, 7),))
    other.shifts.update(headcount=2)
    employee(world)
    employee(world)
    employee(world)
    matching_run_execute(trigger="manual")
    waiting, _t = offer_sent(world, proposal=Proposal.objects.filter(shift__need=other).first())
    on_need = Proposal.objects.get(shift__need=need)
    declined, _t = offer_sent(world, proposal=on_need)
    offer_decline(offer=declined)

    matching_resolve(trigger="offer_answered", shift_ids=[on_need.shift_id])

    waiting.refresh_from_db()
    assert waiting.status == "pending" and waiting.proposal.status == "offered"
    busy = {waiting.worker_id, declined.worker_id}
    new = Proposal.objects.get(shift__need=need, status="proposed")
    assert new.worker_id not in busy
    # the other shift still has its waiting offer and at most one open proposal next to it
    assert Proposal.objects.filter(shift__need=other, status="proposed").count() <= 1
    assert not Placement.objects.exists()


def test_a_cancelled_shift_frees_its_person_for_an_empty_slot_nearby(
    world, django_capture_on_commit_callbacks
):
    early = need_with_shifts(world, shifts=((3, 7),))
    late = need_with_shifts(world, shifts=((3, 9),))  # overlaps: one person cannot take both
    late.priority = early.priority
    only = employee(world)
    matching_run_execute(trigger="manual")
    taken = Proposal.objects.get(status="proposed")
    empty = late if taken.shift.need_id == early.pk else early
    assert UnfilledSlot.objects.filter(shift__need=empty).exists()
    cancelled = taken.shift.need

    with django_capture_on_commit_callbacks(execute=True):
        need_cancel(need=cancelled, by=world.leader, reason="Ikke behov")

    row = Proposal.objects.get(status="proposed")
    assert row.worker_id == only.pk and row.shift.need_id == empty.pk
    assert not UnfilledSlot.objects.filter(shift__need=empty).exists()
    assert MatchingRun.objects.filter(trigger="need_changed", status="succeeded").exists()


def test_new_availability_brings_the_person_to_the_slots_it_covers(world):
    need = need_with_shifts(world, shifts=((4, 7),))
    newcomer = employee(world, available=False)
    matching_run_execute(trigger="manual")
    assert not Proposal.objects.exists()
    AvailabilityFactory(worker=newcomer, start=at(4, 0), end=at(5, 0))

    run = matching_resolve(trigger="worker_available", worker_ids=[newcomer.pk])

    assert run is not None and run.slots == 1
    assert Proposal.objects.get(status="proposed").worker == newcomer
    assert Proposal.objects.get().shift.need == need


def test_a_seed_shift_whose_slots_are_all_held_is_passed_over(world):
    """A worker's new availability covers a shift held by a waiting offer (no open slot,
    so not in the snapshot) and one with an open slot: the re-solve takes the open one."""
    held = need_with_shifts(world, shifts=((4, 7),))
    first = employee(world)
    matching_run_execute(trigger="manual")
    offer_sent(world, proposal=Proposal.objects.get(shift__need=held, worker=first))
    other = need_with_shifts(world, shifts=((4, 7),))
    newcomer = employee(world, available=False)
    AvailabilityFactory(worker=newcomer, start=at(4, 0), end=at(5, 0))

    run = matching_resolve(trigger="worker_available", worker_ids=[newcomer.pk])

    assert run is not None and run.status == MatchingRun.Status.SUCCEEDED
    assert run.slots == 1
    row = Proposal.objects.get(status="proposed")
    assert row.worker == newcomer and row.shift.need == other


def test_nothing_to_do_when_the_change_touches_no_open_slot(world):
    worker = employee(world)
    assert matching_resolve(trigger="worker_available", worker_ids=[worker.pk]) is None
    assert matching_resolve(trigger="offer_answered", shift_ids=[999_999]) is None
    assert not MatchingRun.objects.exists()


def test_proposals_that_moved_meanwhile_make_the_re_solve_give_way(world, monkeypatch):
    need = need_with_shifts(world, shifts=((3, 7), (4, 7)))
    employee(world)
    employee(world)
    matching_run_execute(trigger="manual")
    rows = open_rows()
    real_save = services._resolve_save

    def decided_meanwhile(**kwargs):
        Proposal.objects.filter(pk=min(rows)).update(status=Proposal.Status.REJECTED)
        return real_save(**kwargs)

    monkeypatch.setattr(services, "_resolve_save", decided_meanwhile)
    with pytest.raises(ResolveConflict):
        matching_resolve(
            trigger="offer_answered", shift_ids=list(need.shifts.values_list("pk", flat=True))
        )
    run = MatchingRun.objects.filter(trigger="offer_answered").get()
    assert run.status == MatchingRun.Status.FAILED and run.error
    assert set(open_rows()) == set(rows) - {min(rows)}  # nothing saved


def test_the_task_falls_back_to_a_full_run_when_the_re_solve_fails(world, monkeypatch):
    need = need_with_shifts(world, shifts=((3, 7),))
    employee(world)
    from matching import tasks

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "matching_resolve", broken)
    run_pk = tasks.matching_resolve("offer_answered", [need.shifts.get().pk], [], [])
    run = MatchingRun.objects.get(pk=run_pk)
    assert run.status == MatchingRun.Status.SUCCEEDED and run.filled == 1


def test_a_run_in_progress_defers_the_re_solve_to_its_rerun(world):
    from django.core.cache import cache

    from matching import tasks

    need = need_with_shifts(world, shifts=((3, 7),))
    cache.set(tasks.LOCK_KEY, "someone-else", timeout=60)
    assert tasks.matching_resolve("offer_answered", [need.shifts.get().pk]) is None
    assert cache.get(tasks.RERUN_KEY) == "offer_answered"
    assert not MatchingRun.objects.exists()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_after_a_no_the_answer_is_as_good_as_a_full_run(world, seed):
    """A dozen shifts over a week, a handful of people with rules that bind (rest, 48 h):
    the re-solve after each no ends within the gap tolerance of a full run."""
    import random

    rng = random.Random(seed)
    days = list(range(2, 9))
    needs = [
        need_with_shifts(
            world, shifts=tuple((d, rng.choice((7, 15, 22))) for d in rng.sample(days, 4))
        )
        for _ in range(3)
    ]
    for _ in range(5):
        employee(world, percent=rng.choice((50, 80, 100)), wants_more=rng.random() < 0.5)
    matching_run_execute(trigger="manual")
    for _ in range(2):
        proposal = (
            Proposal.objects.filter(status="proposed", shift__need__in=needs)
            .order_by("shift__start", "pk")
            .first()
        )
        if proposal is None:
            break
        offer, _t = offer_sent(world, proposal=proposal)
        offer_decline(offer=offer)
        matching_resolve(trigger="offer_answered", shift_ids=[proposal.shift_id])
        saved, best = objective_now()
        assert saved <= best * 1.005 + 1e-6
