"""Reads of the competence inventory: the person's door through their link, and the
coordinator's and HR's pages (progress, the verification queue). Only coordinators, HR and
administrators reach these pages (`role_required` in the views); a unit leader reaches none."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from inventory import tokens
from inventory.models import Answer, Inventory, Invitation


def _may_read(user: User) -> None:
    if not user.has_role(Role.COORDINATOR, Role.HR):
        raise Http404


def invitation_get_by_token(token: str) -> Invitation:
    """The employee's door: only the link (random, or derived for a reminder) opens it."""
    token = token or ""
    related = ("inventory", "worker", "worker__employee", "unit")
    pk = tokens.derived_pk(token)
    if pk is not None:
        invitation = Invitation.objects.select_related(*related).filter(pk=pk).first()
        if invitation is not None and tokens.derived_matches(token, invitation):
            return invitation
        raise Http404
    if not tokens.is_random_token(token):
        raise Http404
    invitation = (
        Invitation.objects.select_related(*related)
        .filter(token_hash=tokens.token_hash(token))
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def answer_for(invitation: Invitation) -> Answer | None:
    return (
        Answer.objects.filter(invitation=invitation)
        .prefetch_related("qualifications", "skills")
        .first()
    )


def _counts() -> dict:
    return {
        "total": Count("invitations", distinct=True),
        "sent": Count("invitations", filter=Q(invitations__sent_at__isnull=False), distinct=True),
        "opened": Count(
            "invitations", filter=Q(invitations__opened_at__isnull=False), distinct=True
        ),
        "answered": Count(
            "invitations", filter=Q(invitations__answered_at__isnull=False), distinct=True
        ),
    }


def inventories_for(user: User) -> QuerySet[Inventory]:
    _may_read(user)
    return (
        Inventory.objects.annotate(**_counts())
        .select_related("started_by")
        .prefetch_related("units")
        .order_by("-started_at", "-pk")
    )


def inventory_get_for_user(user: User, pk: int) -> Inventory:
    _may_read(user)
    return get_object_or_404(Inventory.objects.select_related("started_by"), pk=pk)


@dataclass(frozen=True)
class UnitProgress:
    unit_id: int
    unit_name: str
    total: int
    sent: int
    opened: int
    answered: int
    verified: int

    @property
    def not_answered(self) -> int:
        return self.total - self.answered


def inventory_progress(inventory: Inventory) -> list[UnitProgress]:
    """Per home unit: asked, sent, opened, answered, verified (one grouped query)."""
    rows = (
        inventory.invitations.values("unit_id", "unit__name")
        .annotate(
            total=Count("pk"),
            sent=Count("pk", filter=Q(sent_at__isnull=False)),
            opened=Count("pk", filter=Q(opened_at__isnull=False)),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            verified=Count("pk", filter=Q(answer__status=Answer.Status.VERIFIED)),
        )
        .order_by("unit__name")
    )
    return [
        UnitProgress(
            unit_id=r["unit_id"],
            unit_name=r["unit__name"],
            total=r["total"],
            sent=r["sent"],
            opened=r["opened"],
            answered=r["answered"],
            verified=r["verified"],
        )
        for r in rows
    ]


STATES = {
    "not_sent": Q(sent_at__isnull=True),
    "not_opened": Q(sent_at__isnull=False, opened_at__isnull=True, answered_at__isnull=True),
    "not_answered": Q(answered_at__isnull=True),
    "answered": Q(answered_at__isnull=False),
    "to_verify": Q(answer__status=Answer.Status.REPORTED),
    "verified": Q(answer__status=Answer.Status.VERIFIED),
}


def invitations_of(
    inventory: Inventory, *, state: str = "", unit_id: int | None = None
) -> QuerySet[Invitation]:
    qs = inventory.invitations.select_related("worker", "unit", "answer")
    if state in STATES:
        qs = qs.filter(STATES[state])
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return qs.order_by("worker__last_name", "worker__first_name", "pk")


def answers_to_verify(user: User) -> QuerySet[Answer]:
    _may_read(user)
    return (
        Answer.objects.filter(status=Answer.Status.REPORTED)
        .select_related("invitation__worker", "invitation__unit", "invitation__inventory")
        .prefetch_related("qualifications", "skills")
        .order_by("updated_at", "pk")
    )


def answer_get_for_user(user: User, pk: int) -> Answer:
    _may_read(user)
    return get_object_or_404(
        Answer.objects.select_related(
            "invitation__worker__employee",
            "invitation__unit",
            "invitation__inventory",
            "verified_by",
        ).prefetch_related("qualifications", "skills", "invitation__worker__qualifications"),
        pk=pk,
    )


def invitation_get_for_user(user: User, pk: int) -> Invitation:
    _may_read(user)
    return get_object_or_404(Invitation.objects.select_related("worker", "inventory"), pk=pk)
