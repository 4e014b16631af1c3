"""Demo: a first matching run, and a few approved placements so every role has work to see.

Runs only when the demo has never been matched, so loading the demo twice changes nothing.
"""

from django.core.exceptions import ValidationError

from accounts.models import Role, User
from matching.models import MatchingRun, Proposal
from matching.services import matching_run_execute, proposal_approve

APPROVALS = 12


def load(*, scale: float, seed: int) -> dict[str, int]:
    if MatchingRun.objects.exists():
        return {}
    coordinator = User.objects.filter(role=Role.COORDINATOR).order_by("pk").first()
    if coordinator is None:
        return {}
    run = matching_run_execute(trigger=MatchingRun.Trigger.MANUAL, requested_by=coordinator)
    approved = 0
    # Approve the earliest proposals, leader@'s units first, so HR's queue and the leader's
    # needs show placements on the way to being ready.
    proposals = (
        Proposal.objects.filter(run=run, status=Proposal.Status.PROPOSED)
        .select_related("shift__need__unit")
        .order_by("-shift__need__unit__code", "shift__start", "slot_index")
    )
    leader_units = set(
        User.objects.filter(email="leader@dugnad.test").values_list("led_units__code", flat=True)
    )
    ordered = sorted(
        proposals,
        key=lambda p: (not p.shift.need.unit.code.startswith(tuple(leader_units) or ("-",)),),
    )
    for proposal in ordered:
        if approved >= APPROVALS:
            break
        try:
            proposal_approve(proposal=proposal, by=coordinator)
        except ValidationError:
            continue
        approved += 1
    return {"matching_runs": 1, "proposals": run.filled, "placements": approved}
