from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarFeedQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True)


class CalendarFeed(models.Model):
    """A secret link to a person's shifts as an iCalendar feed. Only the link's hash is stored;
    revoking it makes the link answer 404 (a calendar app polling it gets nothing more)."""

    worker = models.ForeignKey(
        "staffing.Worker",
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name=_("worker"),
    )
    # sha256 of the random token in the link; the token itself is never stored
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    last_read_at = models.DateTimeField(_("last read"), null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_calendar_feed_per_worker",
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} ({'revoked' if self.revoked_at else 'live'})"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
