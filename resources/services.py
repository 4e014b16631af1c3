"""Writes that span apps, started from the resource pages. Resources owns no tables: each step
calls the service of the app that owns what it changes."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import User
from core.dates import format_local
from outbox.services import message_enqueue
from placements.selectors import coordinator_emails
from placements.services import placement_shifts_end_for_worker
from staffing import capacity
from staffing.models import Release


@transaction.atomic
def release_recall(*, release: Release, by: User, back_on: dt.date) -> Release:
    """The home unit recalls a released employee with notice: from `back_on` they are no longer
    free, their placement shifts from that day end (the receiving units and coordinators are
    told which shifts are open again), and the person and the coordinators are told."""
    release = capacity.release_recall(release=release, by=by, back_on=back_on)
    worker = release.worker
    unit = release.home_unit.name
    ended = placement_shifts_end_for_worker(
        worker=worker,
        since=capacity.day_start(back_on),
        reason=_("recalled by the home unit (%(unit)s) from %(day)s.")
        % {"unit": unit, "day": format_local(back_on, "SHORT_DATE_FORMAT")},
        by=by,
    )
    words = {
        "unit": unit,
        "day": format_local(back_on, "SHORT_DATE_FORMAT"),
        "name": worker.full_name,
    }
    if worker.email:
        message_enqueue(
            recipient=worker.email,
            kind="resources.release_recalled",
            subject=_("Dugnad: back at %(unit)s from %(day)s") % words,
            body="\n".join(
                [
                    _("Your home unit %(unit)s needs you back from %(day)s.") % words,
                    _("Shifts elsewhere from that day are cancelled; earlier ones stand.")
                    if ended
                    else _("You have no shifts elsewhere from that day."),
                ]
            ),
            language=get_language() or "",
            idempotency_key=f"resources.release_recalled:{release.pk}:person",
        )
    link = settings.SITE_URL + reverse("resources:person", args=[worker.pk])
    for recipient in coordinator_emails():
        message_enqueue(
            recipient=recipient,
            kind="resources.release_recalled",
            subject=_("Dugnad: %(name)s is recalled to %(unit)s from %(day)s") % words,
            body="\n".join(
                [
                    _("%(unit)s recalls %(name)s from %(day)s.") % words,
                    _("%(n)s shifts elsewhere from that day ended; matching looks for others.")
                    % {"n": len(ended)},
                    "",
                    link,
                ]
            ),
            language=get_language() or "",
            idempotency_key=f"resources.release_recalled:{release.pk}:{recipient}",
        )
    return release
