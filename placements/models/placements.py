from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Placement(models.Model):
    """Utplassering / omdisponering: an approved assignment of a worker to a unit.

    Created only when a coordinator approves a proposal; it carries the onboarding checklist.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    worker = models.ForeignKey(
        "staffing.Worker",
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("worker"),
    )
    unit = models.ForeignKey(
        "staffing.Unit", on_delete=models.PROTECT, related_name="placements", verbose_name=_("unit")
    )
    need = models.ForeignKey(
        "needs.Need", on_delete=models.PROTECT, related_name="placements", verbose_name=_("need")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="approved_placements",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"))
    ready_at = models.DateTimeField(
        _("ready at"),
        null=True,
        blank=True,
        help_text=_("When every required onboarding item was done or not applicable."),
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)

    class Meta:
        # The table keeps the name it had in `staffing` (data moved with no copy).
        db_table = "staffing_placement"
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-approved_at"]
        indexes = [models.Index(fields=["worker", "status"]), models.Index(fields=["need"])]

    def __str__(self) -> str:
        return f"{self.worker} → {self.unit}"

    @property
    def is_ready(self) -> bool:
        return self.ready_at is not None


class PlacementShift(models.Model):
    """One shift of a placement. Worker and times are copied here so the database itself can
    refuse two active placements of one worker whose shifts overlap (exclusion constraint on
    PostgreSQL, added in staffing's migration 0002 on this table)."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="shifts")
    shift = models.ForeignKey(
        "needs.Shift", on_delete=models.PROTECT, related_name="placement_shifts"
    )
    worker = models.ForeignKey("staffing.Worker", on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "staffing_placementshift"
        verbose_name = _("placement shift")
        verbose_name_plural = _("placement shifts")
        ordering = ["start"]
        indexes = [models.Index(fields=["worker", "start"]), models.Index(fields=["shift"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="placement_shift_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.start:%Y-%m-%d %H:%M}"
