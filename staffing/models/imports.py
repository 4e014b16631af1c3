from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .workforce import Agency, WorkerSource


class PeopleImport(models.Model):
    """One file from the HR system (or an agency's list): who uploaded it, what a dry run found,
    and whether it was applied. The file itself is kept only until it is applied or refused."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked, not applied")
        REFUSED = "refused", _("Refused: the file has errors")
        APPLIED = "applied", _("Applied")

    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("checksum"), max_length=64)
    content = models.BinaryField(_("file content"), blank=True, editable=False)
    source = models.CharField(
        _("source"), max_length=20, choices=WorkerSource.choices, default=WorkerSource.EMPLOYEE
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("agency")
    )
    is_full_export = models.BooleanField(
        _("full export"),
        default=False,
        help_text=_("People the file does not list are flagged for review (never deleted)."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CHECKED
    )
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applied by"),
    )
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    class Meta:
        verbose_name = _("import of people")
        verbose_name_plural = _("imports of people")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source="agency") | models.Q(agency__isnull=False),
                name="agency_import_has_agency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"
