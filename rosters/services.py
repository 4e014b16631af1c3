"""Writes of the rosters app: the personal calendar feed's secret link."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role, User
from core.tokens import token_hash
from outbox.services import message_enqueue
from rosters.models import CalendarFeed
from staffing.audit import audit_changes
from staffing.models import Worker

FEED_ISSUERS = (Role.COORDINATOR,)


def calendar_feed_url(token: str) -> str:
    return settings.SITE_URL + reverse("calendar:feed", kwargs={"token": token})


def calendar_revoke_url(token: str) -> str:
    return settings.SITE_URL + reverse("calendar:revoke", kwargs={"token": token})


def _language_of(worker: Worker) -> str:
    # The person's language of messages (set by HR), else a volunteer's from registration.
    if getattr(worker, "language", ""):
        return worker.language
    volunteer = getattr(worker, "volunteer", None)
    if volunteer is not None and getattr(volunteer, "language", ""):
        return volunteer.language
    return settings.LANGUAGE_CODE


@transaction.atomic
def calendar_feed_issue(*, worker: Worker, by: User) -> CalendarFeed:
    """A new secret link to the person's shifts, sent to them by e-mail through the outbox; a
    link they had before stops working. The token exists only in that e-mail."""
    if not by.has_role(*FEED_ISSUERS):
        raise ValidationError(_("Only a staffing coordinator can send a calendar link."))
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    if not worker.is_active:
        raise ValidationError(_("This person is no longer active."))
    if not worker.email:
        raise ValidationError(
            _("This person has no e-mail address: add one before sending a calendar link.")
        )
    now = timezone.now()
    CalendarFeed.objects.live().filter(worker=worker).update(revoked_at=now, revoked_by=by)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(worker=worker, token_hash=token_hash(token), created_by=by)
    audit_changes(obj=feed, before={"worker_id": None}, by=by)
    language = _language_of(worker)
    with translation.override(language):
        message_enqueue(
            recipient=worker.email,
            kind="rosters.calendar_link",
            subject=_("Your shifts in your calendar"),
            body=render_to_string(
                "rosters/email/calendar_link.txt",
                {
                    "worker": worker,
                    "feed_url": calendar_feed_url(token),
                    "revoke_url": calendar_revoke_url(token),
                },
            ),
            language=language,
            idempotency_key=f"rosters.calendar_link:{feed.pk}",
        )
    return feed


def calendar_feed_get_by_token(token: str) -> CalendarFeed | None:
    """The live feed this link belongs to, or None (unknown, revoked, or not a token at all)."""
    if not token or len(token) > 100:
        return None
    return (
        CalendarFeed.objects.live()
        .select_related("worker")
        .filter(token_hash=token_hash(token), worker__is_active=True)
        .first()
    )


@transaction.atomic
def calendar_feed_revoke(*, feed: CalendarFeed, by: User | None = None) -> bool:
    """Stop the link (by the person through the link itself, or by a coordinator). Returns
    whether it was live."""
    updated = CalendarFeed.objects.filter(pk=feed.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    if updated:
        feed.refresh_from_db()
        audit_changes(obj=feed, before={"revoked_at": None}, by=by)
    return bool(updated)


def calendar_feeds_revoke_for_worker(*, worker: Worker, by: User | None = None) -> int:
    """Every live link of the person stops (a coordinator's "revoke", and erasure)."""
    return (
        CalendarFeed.objects.live()
        .filter(worker=worker)
        .update(revoked_at=timezone.now(), revoked_by=by)
    )


def calendar_feed_worker_erase(*, worker: Worker, by: User | None = None) -> None:
    CalendarFeed.objects.filter(worker=worker).delete()


def calendar_feed_mark_read(*, feed: CalendarFeed) -> None:
    # At most once an hour: a calendar polling every few minutes should not write each time.
    now = timezone.now()
    if feed.last_read_at is None or (now - feed.last_read_at).total_seconds() > 3600:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=now)
