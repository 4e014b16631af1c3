import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Priority(models.IntegerChoices):
    # Higher value is more urgent; matching and the overview sort on it.
    NORMAL = 1, _("Normal")
    HIGH = 2, _("High")
    CRITICAL = 3, _("Critical")


class Need(models.Model):
    """Behov: a unit asks for people with a qualification for a set of shifts.

    `state` records what people decided (draft, submitted, closed, cancelled); how far a
    submitted need is filled is derived from its shifts' coverage, never typed by hand.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    unit = models.ForeignKey(
        "staffing.Unit", on_delete=models.PROTECT, related_name="needs", verbose_name=_("unit")
    )
    qualification = models.ForeignKey(
        "staffing.Qualification",
        on_delete=models.PROTECT,
        related_name="needs",
        verbose_name=_("qualification required"),
    )
    required_skills = models.ManyToManyField(
        "staffing.Skill", blank=True, related_name="+", verbose_name=_("required skills")
    )
    preferred_skills = models.ManyToManyField(
        "staffing.Skill", blank=True, related_name="+", verbose_name=_("preferred skills")
    )
    title = models.CharField(_("title"), max_length=150, blank=True)
    description = models.TextField(_("description"), blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    requires_police_certificate = models.BooleanField(
        _("police certificate required"), default=True
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="needs_created",
        verbose_name=_("created by"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs_submitted",
        verbose_name=_("submitted by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-priority", "-created_at"]
        indexes = [models.Index(fields=["state", "unit"])]

    def __str__(self) -> str:
        return self.title or f"{self.qualification} – {self.unit}"

    @property
    def is_changeable(self) -> bool:
        """The one answer to "may this need still change?": drafts and submitted needs may;
        closed and cancelled ones may not (services refuse, pages hide the buttons)."""
        return self.state in (self.State.DRAFT, self.State.SUBMITTED)


class ShiftQuerySet(models.QuerySet):
    def active(self):
        return self.filter(cancelled_at__isnull=True)

    def open(self):
        return self.active().filter(need__state="submitted")


class Shift(models.Model):
    """One shift of a need. Shift × headcount gives the slots matching tries to fill."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="shifts")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    headcount = models.PositiveSmallIntegerField(
        _("headcount"), default=1, validators=[MinValueValidator(1)]
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = ShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["start"]
        indexes = [models.Index(fields=["need", "start"]), models.Index(fields=["start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="shift_end_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(headcount__gte=1), name="shift_headcount_min_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M}"

    @property
    def duration(self) -> dt.timedelta:
        return self.end - self.start

    @property
    def hours(self) -> float:
        return self.duration.total_seconds() / 3600

    def overlaps(self, other: "Shift") -> bool:
        return self.start < other.end and other.start < self.end
