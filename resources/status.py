"""What a person is doing now, as far as Dugnad's data tells: the register's status column and
filter. There are no offers or absences yet; "proposed" is matching's open proposal."""

from django.db.models import Case, CharField, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.models import Proposal
from placements.models import Placement, PlacementShift


class Status:
    FREE = "free"
    PROPOSED = "proposed"
    ONBOARDING = "onboarding"
    PLACED = "placed"
    PAUSED = "paused"
    INACTIVE = "inactive"
    CHOICES = [
        (FREE, _("Free")),
        (PROPOSED, _("Proposed by matching")),
        (ONBOARDING, _("In onboarding")),
        (PLACED, _("Placed")),
        (PAUSED, _("Paused")),
        (INACTIVE, _("Inactive")),
    ]


def status_conditions() -> dict[str, Q]:
    """One condition per status; exactly one holds for each worker (the first that applies
    in the order inactive, paused, placed, in onboarding, proposed, free). Written as
    EXISTS / NOT EXISTS so a filter becomes a semi- or anti-join, not a CASE per row."""
    now = timezone.now()
    shifts = PlacementShift.objects.filter(
        worker_id=OuterRef("pk"),
        is_active=True,
        end__gt=now,
        placement__status=Placement.Status.ACTIVE,
    )
    ready = Exists(shifts.filter(placement__ready_at__isnull=False))
    any_shift = Exists(shifts)
    proposed = Exists(
        Proposal.objects.filter(
            worker_id=OuterRef("pk"), status=Proposal.Status.PROPOSED, shift__end__gt=now
        )
    )
    active = Q(is_active=True) & ~Q(volunteer__is_paused=True)
    return {
        Status.INACTIVE: Q(is_active=False),
        Status.PAUSED: Q(is_active=True, volunteer__is_paused=True),
        Status.PLACED: active & ready,
        Status.ONBOARDING: active & ~ready & any_shift,
        Status.PROPOSED: active & ~any_shift & proposed,
        Status.FREE: active & ~any_shift & ~proposed,
    }


def status_expression() -> Case:
    conditions = status_conditions()
    return Case(
        *[
            When(conditions[code], then=Value(code))
            for code in (
                Status.INACTIVE,
                Status.PAUSED,
                Status.PLACED,
                Status.ONBOARDING,
                Status.PROPOSED,
            )
        ],
        default=Value(Status.FREE),
        output_field=CharField(),
    )
