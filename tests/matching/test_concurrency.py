import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from matching.models import Proposal
from matching.services import proposal_approve
from placements.models import PlacementShift
from tests.matching.factories import employee, proposal_in_home
from tests.staffing.factories import UserFactory

APPROVALS = 24


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_conflicting_approvals_let_exactly_one_through(world):
    worker = employee(world)
    # The same worker proposed for 24 needs at the same time, approved by 24 coordinators.
    proposals = [proposal_in_home(world, worker=worker) for _ in range(APPROVALS)]
    coordinators = [UserFactory(role="coordinator") for _ in range(APPROVALS)]
    barrier = threading.Barrier(APPROVALS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve(proposal, by):
        try:
            barrier.wait(timeout=30)
            proposal_approve(proposal=proposal, by=by)
            result = "ok"
        except ValidationError as exc:
            result = "refused: " + " ".join(exc.messages)
        except Exception as exc:  # anything else is a bug: record it
            result = f"error: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [
        threading.Thread(target=approve, args=(p, c))
        for p, c in zip(proposals, coordinators, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert len(outcomes) == APPROVALS
    assert outcomes.count("ok") == 1, outcomes
    refused = [o for o in outcomes if o.startswith("refused")]
    assert len(refused) == APPROVALS - 1
    assert all(worker.full_name in o for o in refused)
    assert PlacementShift.objects.filter(worker=worker, is_active=True).count() == 1
    assert Proposal.objects.filter(status="approved").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_overlapping_placements_behind_the_service(world):
    """If the row lock were bypassed, the exclusion constraint still refuses the overlap and
    the service turns it into the same clear message."""
    from unittest import mock

    assert connection.vendor == "postgresql"
    worker = employee(world)
    first, second = (proposal_in_home(world, worker=worker) for _ in range(2))
    proposal_approve(proposal=first, by=world.coordinator)

    with (
        mock.patch("matching.services._conflict", return_value=None),
        pytest.raises(ValidationError) as exc,
    ):
        proposal_approve(proposal=second, by=world.coordinator)

    assert worker.full_name in exc.value.messages[0]
    assert PlacementShift.objects.filter(worker=worker).count() == 1
