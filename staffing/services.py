"""Writes to the workforce: a worker's contact details, HPR verification, the worker behind a
volunteer, and erasure.

Staffing owns the `Worker` rows: other apps change them only through these functions.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from core.tasks_by_name import request_matching_resolve, request_matching_run
from outbox.services import messages_erase_for_recipient
from outbox.sms import normalise_number
from staffing import erasure
from staffing.audit import audit_changes, audit_record_opened, audit_values_blank, snapshot
from staffing.models import (
    AuditEntry,
    Availability,
    ContactChannel,
    District,
    Qualification,
    Skill,
    Worker,
    WorkerSource,
)
from staffing.models.workforce import hpr_validator

AUDITED_WORKER_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "contact_channel",
    "language",
)


def _require_hr(by: User) -> None:
    if not by.has_role(Role.HR):
        raise PermissionDenied


@transaction.atomic
def worker_contact_update(
    *,
    worker: Worker,
    by: User,
    email: str,
    phone: str,
    contact_channel: str = "",
    language: str | None = None,
) -> Worker:
    """Change a worker's contact details (personal data), with an audit entry per field.
    An empty `contact_channel` keeps the person's choice, `language=None` their language."""
    _require_hr(by)
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    before = snapshot(worker, AUDITED_WORKER_FIELDS)
    worker.email = email.strip()
    worker.phone = phone.strip()
    if contact_channel:
        if contact_channel not in ContactChannel.values:
            raise ValidationError(_("Choose e-mail, SMS or both."))
        worker.contact_channel = contact_channel
    if language is not None:
        if language and language not in dict(settings.LANGUAGES):
            raise ValidationError(_("Choose a language of the list."))
        worker.language = language
    changed = [name for name, old in before.items() if getattr(worker, name) != old]
    if changed:
        worker.save(update_fields=[*changed, "updated_at"])
        audit_changes(obj=worker, before=before, by=by)
    return worker


def worker_record_opened(*, worker: Worker, by: User) -> AuditEntry:
    """Log that someone opened a person's record (who and when; nothing else)."""
    return audit_record_opened(obj=worker, by=by)


@transaction.atomic
def worker_hpr_verify(*, worker: Worker, by: User) -> Worker:
    """Record that HR checked the worker's HPR number in Helsepersonellregisteret.

    Authorised qualifications are matched only with a verified number, so a verification makes
    the worker newly available to matching."""
    _require_hr(by)
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    if not worker.hpr_number:
        raise ValidationError(_("This person has no HPR number to verify."))
    if worker.hpr_verified_at is not None:
        return worker
    before = snapshot(worker, ("hpr_verified_at", "hpr_verified_by_id"))
    worker.hpr_verified_at = timezone.now()
    worker.hpr_verified_by = by
    worker.save(update_fields=["hpr_verified_at", "hpr_verified_by", "updated_at"])
    audit_changes(obj=worker, before=before, by=by)
    request_matching_run(trigger="worker_available", requested_by_id=by.pk)
    return worker


@transaction.atomic
def worker_upsert_for_volunteer(
    *,
    worker_id: int | None,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
    hpr_number: str,
    contact_channel: str = "",
    language: str = "",
    home_district: District | None,
    is_active: bool,
    qualifications: Iterable[Qualification],
    skills: Iterable[Skill],
    availability: Iterable[tuple[dt.datetime, dt.datetime]],
) -> Worker:
    """Create or bring up to date the worker that stands for an admitted volunteer. A changed
    HPR number must be verified again by HR."""
    if worker_id is None:
        worker = Worker(source=WorkerSource.VOLUNTEER)
    else:
        worker = Worker.objects.select_for_update().get(pk=worker_id)
    worker.first_name = first_name
    worker.last_name = last_name
    worker.email = email
    worker.phone = phone
    if contact_channel:
        worker.contact_channel = contact_channel
    if language:
        worker.language = language
    if worker.hpr_number != hpr_number:
        worker.hpr_number = hpr_number
        worker.hpr_verified_at = None
        worker.hpr_verified_by = None
    worker.home_district = home_district
    worker.is_active = is_active
    worker.save()
    worker.qualifications.set(qualifications)
    worker.skills.set(skills)
    worker.availability.all().delete()
    Availability.objects.bulk_create(
        Availability(worker=worker, start=start, end=end, note="volunteer")
        for start, end in availability
    )
    return worker


def worker_set_active(*, worker_id: int, active: bool) -> None:
    """Take a worker out of matching (paused, left the pool) or back in."""
    Worker.objects.filter(pk=worker_id).update(is_active=active, updated_at=timezone.now())


@transaction.atomic
def worker_erase(*, worker_id: int, by: User | None = None) -> Worker:
    """Erase a person from every table that holds them, in one transaction: first what the
    apps above staffing keep (`staffing.erasure`: proposals, placements, checklists,
    certificates), the messages to them in the outbox, then the worker row itself, which stays as an anonymous "(erased)" so that
    history (counts, approved placements) keeps its shape."""
    worker = Worker.objects.select_for_update().get(pk=worker_id)
    erasure.erase_everywhere(worker=worker, by=by)
    for address in (worker.email, worker.phone, normalise_number(worker.phone)):
        messages_erase_for_recipient(recipient=address or "")  # sent or waiting
    worker.first_name = ""
    worker.last_name = _("(erased)")
    worker.email = ""
    worker.phone = ""
    worker.hpr_number = ""
    worker.hpr_verified_at = None
    worker.hpr_verified_by = None
    worker.hpr_valid_until = None
    worker.is_active = False
    worker.save()
    worker.skills.clear()
    worker.availability.all().delete()
    worker.absences.all().delete()  # sick leave says something about health
    worker.releases.all().delete()
    # The audit trail keeps who changed which field when, not the old and new values.
    audit_values_blank(object_type=Worker._meta.label_lower, object_ids=[worker.pk])
    return worker


@transaction.atomic
def worker_competence_add(
    *,
    worker_id: int,
    by: User,
    qualifications: Iterable[Qualification] = (),
    skills: Iterable[Skill] = (),
    hpr_number: str = "",
) -> Worker:
    """Give a worker qualifications and skills someone has verified (a competence inventory's
    answer). Matching reads only what is on the worker, so this is where reported competence
    starts to count. A reported HPR number is kept only when the worker has none; it still
    needs HR's check in Helsepersonellregisteret (`worker_hpr_verify`)."""
    if not by.has_role(Role.HR, Role.COORDINATOR):
        raise PermissionDenied
    worker = Worker.objects.select_for_update().get(pk=worker_id)
    held_q = set(worker.qualifications.values_list("pk", flat=True))
    held_s = set(worker.skills.values_list("pk", flat=True))
    new_q = [q for q in qualifications if q.pk not in held_q]
    new_s = [s for s in skills if s.pk not in held_s]
    if new_q:
        worker.qualifications.add(*new_q)
    if new_s:
        worker.skills.add(*new_s)
    hpr_number = (hpr_number or "").strip()
    if hpr_number and not worker.hpr_number:
        hpr_validator(hpr_number)
        before = snapshot(worker, ("hpr_number",))
        worker.hpr_number = hpr_number
        worker.save(update_fields=["hpr_number", "updated_at"])
        audit_changes(obj=worker, before=before, by=by)
    if new_q or new_s:
        request_matching_run(trigger="worker_available", requested_by_id=by.pk)
    return worker


@transaction.atomic
def worker_availability_replace(
    *, worker_id: int, note: str, windows: Iterable[tuple[dt.datetime, dt.datetime]]
) -> int:
    """Replace the worker's availability windows that carry `note` (one source of them, e.g.
    what the person reported themselves) and leave the others. Every change asks for a
    matching run; the same windows again change nothing and ask for none."""
    worker = Worker.objects.select_for_update().get(pk=worker_id)
    wanted = sorted({(start, end) for start, end in windows if end > start})
    current = worker.availability.filter(note=note)
    if sorted(current.values_list("start", "end")) == wanted:
        return 0  # nothing changed: no run
    current.delete()
    Availability.objects.bulk_create(
        Availability(worker=worker, start=start, end=end, note=note) for start, end in wanted
    )
    Worker.objects.filter(pk=worker.pk).update(updated_at=timezone.now())
    # only the part of the instance this person's windows touch is solved again
    request_matching_resolve(trigger="worker_available", worker_ids=[worker.pk])
    return len(wanted)
