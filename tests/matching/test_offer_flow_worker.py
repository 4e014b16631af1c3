"""The "no" goes through Redis to a real Celery worker, which proposes and offers the next best
for the slot (CI's second pass: PostgreSQL, Redis, a real worker)."""

import time

import pytest

from config.celery import app
from matching.models import AutoOffer, MatchingRun, Offer, Proposal
from tests.matching.factories import employee, need_with_shifts, offer_sent


def _until(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_no_reaches_a_real_worker_which_offers_the_next_best(world, client):
    from celery.contrib.testing.worker import start_worker

    need = need_with_shifts(world)
    first, second = employee(world), employee(world)
    run = MatchingRun.objects.create(trigger="manual", status="succeeded")
    proposal = Proposal.objects.create(
        run=run,
        shift=need.shifts.get(),
        worker=first,
        alternatives=[
            {"worker": second.pk, "name": "B", "cost": 2, "feasible": True, "reason": "ledig"}
        ],
    )
    offer, token = offer_sent(world, proposal=proposal)
    AutoOffer.objects.create(need=need, changed_by=world.coordinator)
    assert not app.conf.task_always_eager

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response = client.post(f"/offer/{token}/", {"answer": "no"})
        assert response.status_code == 200
        assert _until(lambda: Offer.objects.filter(worker=second, status="pending").exists())

    offer.refresh_from_db()
    assert offer.status == Offer.Status.DECLINED
    nxt = Offer.objects.get(worker=second)
    assert nxt.automatic and nxt.proposal.status == Proposal.Status.OFFERED
