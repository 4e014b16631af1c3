"""Writes of the competence inventory: start one, the employee's answer through their link,
verification by HR or a coordinator, and reminders.

The rule that keeps unverified competence out of matching lives here and in staffing: an
answer's qualifications and skills stay on the `Answer` until `answer_verify`, which hands the
chosen ones to `staffing.services.worker_competence_add`; matching reads only the worker's.
Free capacity is the person's own time and counts at once (`worker_availability_replace`,
which asks for a matching run), as a volunteer's does.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from core.dates import DateRange
from core.tasks_by_name import task_send
from inventory import capacity, tokens
from inventory.models import Answer, Inventory, Invitation
from outbox.models import Message
from outbox.services import message_enqueue
from outbox.sms import sms_text
from staffing.models import EmployeeProfile, Qualification, Skill, Unit, Worker
from staffing.services import worker_availability_replace, worker_competence_add

logger = logging.getLogger(__name__)

SEND_TASK = "inventory.tasks.inventory_send"
REMIND_TASK = "inventory.tasks.inventory_remind"
# Availability windows an employee reported themselves (replaced as a whole on each change).
SELF_REPORTED = "self-reported"
VALID_UNTIL_DATES = DateRange(years_back=0, years_ahead=1)
CAPACITY_DATES = DateRange(years_back=1, years_ahead=2)
STATE_LABELS = [
    ("not_sent", gettext_lazy("Not sent (no e-mail address or mobile number)")),
    ("not_opened", gettext_lazy("Not opened")),
    ("not_answered", gettext_lazy("Not answered")),
    ("answered", gettext_lazy("Answered")),
    ("to_verify", gettext_lazy("Answered, to verify")),
    ("verified", gettext_lazy("Verified")),
]


class LinkClosed(Exception):
    """The link no longer opens the form; `str(exc)` says why, in the person's language."""


def _require(by: User, *roles: str) -> None:
    if not by.has_role(*roles):
        raise PermissionDenied


def _employees_of(units: Iterable[Unit]):
    unit_ids = Unit.objects.subtree_ids(units)
    return (
        EmployeeProfile.objects.filter(home_unit_id__in=unit_ids, worker__is_active=True)
        .select_related("worker", "home_unit")
        .order_by("pk")
    )


def _send(invitation: Invitation, *, token: str, kind: str, round_no: int = 0) -> bool:
    """The link by the person's channels (e-mail, SMS or both, `Worker.message_channels`);
    False when there is no address at all."""
    worker = invitation.worker
    inventory = invitation.inventory
    context = {
        "worker": worker,
        "inventory": inventory,
        "url": tokens.link_url(token),
        "reminder": kind == "reminder",
    }
    channels = worker.message_channels()
    language = worker.language or settings.LANGUAGE_CODE
    with translation.override(language):
        if kind == "reminder":
            subject = _("Reminder: %(title)s") % {"title": inventory.title}
        elif kind == "resend":
            subject = _("Your link: %(title)s") % {"title": inventory.title}
        else:
            subject = _("Your competence and free capacity: %(title)s") % {"title": inventory.title}
        for channel, address in channels:
            key = f"inventory.{kind}:{invitation.pk}:{round_no}"
            sms = channel == Message.Channel.SMS
            if sms:
                body = sms_text(render_to_string("inventory/sms/invitation.txt", context))
            else:
                body = render_to_string("inventory/email/invitation.txt", context)
            message_enqueue(
                recipient=address,
                channel=channel,
                kind=f"inventory.{kind}",
                subject="" if sms else subject,
                body=body,
                language=language,
                idempotency_key=f"{key}:sms" if sms else key,
            )
    return bool(channels)


BATCH = 200


def _queue(task: str, *args: int) -> None:
    """Send the task after the commit; a broker that is down is logged, and beat's
    `inventory_send_pending` catches up."""

    def send() -> None:
        try:
            task_send(task, args=args)
        except Exception:
            logger.warning("inventory task %s not queued (broker unavailable)", task)

    transaction.on_commit(send)


@transaction.atomic
def inventory_start(
    *, title: str, units: Iterable[Unit], valid_until: dt.date, message: str = "", by: User
) -> Inventory:
    """Start an inventory. The personal links go out from a task in batches
    (`inventory_invitations_send`): thousands of e-mails do not fit in one request."""
    _require(by, Role.COORDINATOR)
    units = list(units)
    if not units:
        raise ValidationError({"units": _("Choose at least one unit.")})
    VALID_UNTIL_DATES.check(valid_until, field="valid_until")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the inventory a title.")})
    inventory = Inventory.objects.create(
        title=title[:150], message=(message or "")[:2000], valid_until=valid_until, started_by=by
    )
    inventory.units.set(units)
    _queue(SEND_TASK, inventory.pk)
    logger.info("inventory %s started for %s units", inventory.pk, len(units))
    return inventory


def _invite_batch(inventory: Inventory, profiles: list[EmployeeProfile], now: dt.datetime) -> int:
    tokens_by_worker = {p.worker_id: tokens.new_token() for p in profiles}
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(
                inventory=inventory,
                worker=p.worker,
                unit=p.home_unit,
                token_hash=tokens.token_hash(tokens_by_worker[p.worker_id]),
                sent_at=now if p.worker.message_channels() else None,
            )
            for p in profiles
        ]
    )
    for invitation in invitations:
        if invitation.sent_at is not None:
            _send(invitation, token=tokens_by_worker[invitation.worker_id], kind="invitation")
    return len(invitations)


def inventory_invitations_send(*, inventory_id: int) -> int:
    """Invite every active employee of the inventory's units who has no invitation yet, in
    batches of BATCH, each in its own transaction (the link's token exists only until its
    message is written). Running it twice, or after a crash half-way, invites nobody twice.
    Those without an e-mail address get an invitation marked not sent."""
    inventory = Inventory.objects.filter(pk=inventory_id).first()
    if inventory is None or inventory.invitations_sent_at is not None:
        return 0
    invited = 0
    while True:
        with transaction.atomic():
            locked = Inventory.objects.select_for_update().get(pk=inventory_id)
            if locked.invitations_sent_at is not None:
                return invited
            batch = list(
                _employees_of(locked.units.all()).exclude(
                    worker__inventory_invitations__inventory=locked
                )[:BATCH]
            )
            if not batch:
                locked.invitations_sent_at = timezone.now()
                locked.save(update_fields=["invitations_sent_at"])
                return invited
            invited += _invite_batch(locked, batch, timezone.now())


def inventories_send_pending() -> int:
    """Beat's catch-up: inventories whose links were not all sent (broker down at the start,
    a worker that died half-way)."""
    pending = Inventory.objects.filter(invitations_sent_at__isnull=True).values_list(
        "pk", flat=True
    )
    return sum(inventory_invitations_send(inventory_id=pk) for pk in list(pending))


@transaction.atomic
def inventory_remind(*, inventory: Inventory, by: User, round_no: int) -> int:
    """Start a reminder round for everyone with an address who has not answered. `round_no`
    is the round the coordinator's page offered (current + 1): a second press of the same
    button, or a reload, finds the round started and sends nothing. The messages go out from
    a task (`inventory_reminders_send`). Returns how many will be reminded."""
    _require(by, Role.COORDINATOR)
    inventory = Inventory.objects.select_for_update().get(pk=inventory.pk)
    if round_no != inventory.reminder_round + 1:
        return 0
    if inventory.is_expired():
        raise ValidationError(_("The links of this inventory have expired."))
    inventory.reminder_round = round_no
    inventory.last_reminded_at = timezone.now()
    inventory.save(update_fields=["reminder_round", "last_reminded_at"])
    _queue(REMIND_TASK, inventory.pk, round_no)
    return _due_reminders(inventory, round_no).count()


def _due_reminders(inventory: Inventory, round_no: int):
    return (
        inventory.invitations.filter(
            answered_at__isnull=True, sent_at__isnull=False, reminded_round__lt=round_no
        )
        .exclude(worker__email="", worker__phone="")
        .filter(worker__is_active=True)
    )


def inventory_reminders_send(*, inventory_id: int, round_no: int) -> int:
    """Send round `round_no`'s reminders in batches; each invitation is marked in the same
    transaction as its message, so a rerun sends nobody a second reminder of the round."""
    sent = 0
    while True:
        with transaction.atomic():
            inventory = Inventory.objects.select_for_update().filter(pk=inventory_id).first()
            if inventory is None or inventory.reminder_round < round_no or inventory.is_expired():
                return sent
            batch = list(
                _due_reminders(inventory, round_no).select_related("worker", "inventory")[:BATCH]
            )
            if not batch:
                return sent
            for invitation in batch:
                _send(
                    invitation,
                    token=tokens.link_token(invitation),
                    kind="reminder",
                    round_no=round_no,
                )
            Invitation.objects.filter(pk__in=[i.pk for i in batch]).update(reminded_round=round_no)
            sent += len(batch)


def invitation_resend(*, invitation: Invitation, by: User) -> bool:
    """Send one person their link again (lost the message, wants to update their free
    capacity): the link derived from the stored hash, as a reminder's. Each press sends."""
    _require(by, Role.COORDINATOR, Role.HR)
    invitation = Invitation.objects.select_related("worker", "inventory").get(pk=invitation.pk)
    link_check(invitation)
    with transaction.atomic():
        sent = _send(
            invitation,
            token=tokens.link_token(invitation),
            kind="resend",
            round_no=int(timezone.now().timestamp() * 1000),
        )
        if sent and invitation.sent_at is None:
            Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    return sent


# --- the employee's link ---------------------------------------------------------------------


def link_check(invitation: Invitation, now: dt.datetime | None = None) -> None:
    """Raise LinkClosed when the link no longer opens the form."""
    if invitation.inventory.is_expired(now):
        raise LinkClosed(
            _(
                "This link expired on %(date)s. If you still want to report your competence "
                "or free capacity, contact the staffing coordinator."
            )
            % {"date": date_format(invitation.inventory.valid_until, "SHORT_DATE_FORMAT")}
        )
    if not invitation.worker.is_active:
        raise LinkClosed(_("This link is no longer in use. Contact the staffing coordinator."))


def invitation_mark_opened(*, invitation: Invitation) -> bool:
    """The person opened the form (the page tells us with a POST; a GET changes nothing, so a
    mail scanner fetching the link does not count as opened)."""
    link_check(invitation)
    return bool(
        Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
            opened_at=timezone.now()
        )
    )


def answer_windows(answer: Answer, today: dt.date | None = None):
    if answer.willing == Answer.Willing.NO:
        return []
    return capacity.capacity_windows(
        capacity=answer.capacity,
        weekdays=answer.weekday_list,
        time_from=answer.time_from,
        time_to=answer.time_to,
        share_percent=answer.share_percent,
        available_from=answer.available_from,
        available_to=answer.available_to,
        today=today or timezone.localdate(),
    )


def answer_data_check(*, data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    kind = data.get("capacity")
    if data.get("willing") != Answer.Willing.NO and kind in (
        Answer.Capacity.DAYS,
        Answer.Capacity.SHARE,
    ):
        if kind == Answer.Capacity.DAYS:
            if not data.get("weekdays"):
                errors["weekdays"] = _("Choose the days you are free.")
            if data.get("time_from") is None:
                errors["time_from"] = _("Enter when your free time starts.")
            if data.get("time_to") is None:
                errors["time_to"] = _("Enter when your free time ends.")
            elif data.get("time_from") == data.get("time_to"):
                errors["time_to"] = _("The end must differ from the start.")
        if kind == Answer.Capacity.SHARE and not data.get("share_percent"):
            errors["share_percent"] = _("Enter the share of your position that is free.")
        start, end = data.get("available_from"), data.get("available_to")
        for name in ("available_from", "available_to"):
            message = data.get(name) and CAPACITY_DATES.error(data[name])
            if message:
                errors[name] = message
        if start and end and end < start:
            errors["available_to"] = _("The end date is before the start date.")
    share = data.get("share_percent")
    if share is not None and not 1 <= share <= 100:
        errors["share_percent"] = _("Enter a share between 1 and 100 %.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def answer_save(*, invitation: Invitation, data: dict[str, Any]) -> Answer:
    """The employee's answer, first or changed. Competence lands as reported, not verified;
    once verified it is kept as verified and only willingness and free capacity change.
    Free capacity replaces the person's self-reported availability at once."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("inventory", "worker")
        .get(pk=invitation.pk)
    )
    link_check(invitation)
    answer_data_check(data=data)
    now = timezone.now()
    answer = Answer.objects.filter(invitation=invitation).first()
    created = answer is None
    if created:
        answer = Answer(invitation=invitation, answered_at=now)
    competence_open = answer.status != Answer.Status.VERIFIED
    if competence_open:
        answer.status = Answer.Status.REPORTED
        answer.hpr_number = data.get("hpr_number") or ""
        answer.experience_years = data.get("experience_years")
        answer.experience = (data.get("experience") or "")[:2000]
        answer.verify_note = ""
    answer.willing = data["willing"]
    answer.capacity = data.get("capacity") or Answer.Capacity.NONE
    answer.weekdays = ",".join(sorted(set(data.get("weekdays") or [])))
    answer.time_from = data.get("time_from")
    answer.time_to = data.get("time_to")
    answer.share_percent = data.get("share_percent")
    answer.available_from = data.get("available_from")
    answer.available_to = data.get("available_to")
    answer.updated_at = now
    answer.save()
    if competence_open:
        answer.qualifications.set(data.get("qualifications") or [])
        answer.skills.set([*(data.get("skills") or []), *(data.get("languages") or [])])
    fields = {"answered_at": invitation.answered_at or now}
    if invitation.opened_at is None:
        fields["opened_at"] = now
    Invitation.objects.filter(pk=invitation.pk).update(**fields)
    worker_availability_replace(
        worker_id=invitation.worker_id, note=SELF_REPORTED, windows=answer_windows(answer)
    )
    return answer


# --- verification ----------------------------------------------------------------------------


@transaction.atomic
def answer_verify(
    *,
    answer: Answer,
    by: User,
    qualifications: Iterable[Qualification],
    skills: Iterable[Skill],
    note: str = "",
) -> Answer:
    """HR or a coordinator checked what the person reported (diploma, authorisation, the home
    leader): the chosen qualifications and skills go onto the worker and count in matching."""
    _require(by, Role.HR, Role.COORDINATOR)
    answer = Answer.objects.select_for_update().select_related("invitation").get(pk=answer.pk)
    if answer.status != Answer.Status.REPORTED:
        raise ValidationError(_("This answer has already been handled."))
    qualifications, skills = list(qualifications), list(skills)
    reported_q = set(answer.qualifications.values_list("pk", flat=True))
    reported_s = set(answer.skills.values_list("pk", flat=True))
    if not {q.pk for q in qualifications} <= reported_q or not {s.pk for s in skills} <= (
        reported_s
    ):
        raise ValidationError(_("Only what the person reported can be verified."))
    worker_competence_add(
        worker_id=answer.invitation.worker_id,
        by=by,
        qualifications=qualifications,
        skills=skills,
        hpr_number=answer.hpr_number,
    )
    # What was not confirmed is not kept as reported either: the answer says what counts.
    answer.qualifications.set(qualifications)
    answer.skills.set(skills)
    answer.status = Answer.Status.VERIFIED
    answer.verified_by = by
    answer.verified_at = timezone.now()
    answer.verify_note = (note or "")[:300]
    answer.save(update_fields=["status", "verified_by", "verified_at", "verify_note"])
    return answer


@transaction.atomic
def answer_reject(*, answer: Answer, by: User, note: str) -> Answer:
    """Nothing of the answer is confirmed; the person may report again through the link."""
    _require(by, Role.HR, Role.COORDINATOR)
    answer = Answer.objects.select_for_update().get(pk=answer.pk)
    if answer.status != Answer.Status.REPORTED:
        raise ValidationError(_("This answer has already been handled."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why, so the person can be told.")})
    answer.status = Answer.Status.REJECTED
    answer.verified_by = by
    answer.verified_at = timezone.now()
    answer.verify_note = note.strip()[:300]
    answer.save(update_fields=["status", "verified_by", "verified_at", "verify_note"])
    invitation = Invitation.objects.select_related("worker", "inventory").get(
        pk=answer.invitation_id
    )
    if invitation.worker.message_channels() and not invitation.inventory.is_expired():
        # The person is told why and can correct it with the link (derived: the random one
        # cannot be rebuilt).
        context = {
            "worker": invitation.worker,
            "inventory": invitation.inventory,
            "note": answer.verify_note,
            "url": tokens.link_url(tokens.link_token(invitation)),
        }
        key = f"inventory.not_verified:{answer.pk}:{int(answer.verified_at.timestamp())}"
        language = invitation.worker.language or settings.LANGUAGE_CODE
        with translation.override(language):
            for channel, address in invitation.worker.message_channels():
                sms = channel == Message.Channel.SMS
                template = (
                    "inventory/sms/not_verified.txt" if sms else "inventory/email/not_verified.txt"
                )
                body = render_to_string(template, context)
                message_enqueue(
                    recipient=address,
                    channel=channel,
                    kind="inventory.not_verified",
                    subject="" if sms else _("Your reported competence could not be verified"),
                    body=sms_text(body) if sms else body,
                    language=language,
                    idempotency_key=f"{key}:sms" if sms else key,
                )
    return answer


def invitations_erase_for_worker(*, worker: Worker, by: User | None = None) -> None:
    """Erasure (staffing.erasure): the person's invitations and answers go."""
    Invitation.objects.filter(worker=worker).delete()
