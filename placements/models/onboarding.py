"""Onboarding: the checklist HR clears before a placement may start.

Police certificates are recorded as facts only (issue date, date presented, purpose, who checked
it, whether it cleared). There is deliberately no field for what a certificate says and no upload.
"""

import functools

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.i18n import in_each_language
from staffing.models import WorkerSource


class ItemType(models.TextChoices):
    POLICE_CERTIFICATE = "police_certificate", _("Police certificate")
    AGENCY_POLICE_CONFIRMATION = (
        "agency_police_confirmation",
        _("Agency's confirmation of police certificate"),
    )
    CONTRACT = "contract", _("Employment contract")
    HR_REGISTRATION = "hr_registration", _("Registration in HR/payroll")
    CONFIDENTIALITY = "confidentiality", _("Confidentiality declaration")
    INTRODUCTION = "introduction", _("Introduction")
    HOME_LEADER_CONFIRMATION = "home_leader_confirmation", _("Confirmation from home unit leader")
    SYSTEM_ACCESS = "system_access", _("System access")


# Items that need their own data (recorded through their own form), so they can never be
# ticked off by a status change or in bulk.
ITEM_TYPES_WITH_DATA = frozenset({ItemType.POLICE_CERTIFICATE, ItemType.CONTRACT})
# Done only by someone other than HR: the home unit's leader confirms a redeployment
# (placements.services.home_leader_confirm); HR may still mark it not applicable, with a reason.
ITEM_TYPES_NOT_BY_HR = frozenset({ItemType.HOME_LEADER_CONFIRMATION})


class CertificatePurpose(models.TextChoices):
    """The legal basis a police certificate is requested under."""

    HEALTH_CARE = (
        "health_care",
        _("Health and care services (helse- og omsorgstjenesteloven § 5-4)"),
    )
    KINDERGARTEN = "kindergarten", _("Kindergarten (barnehageloven § 19)")
    SCHOOL = "school", _("School (opplæringslova § 19-2)")


class ChecklistTemplate(models.Model):
    """One item a placement of a worker from `source` gets. Editable by administrators."""

    class Condition(models.TextChoices):
        ALWAYS = "always", _("Always")
        NEED_REQUIRES_POLICE_CERTIFICATE = (
            "need_requires_police_certificate",
            _("Only if the need requires a police certificate"),
        )

    source = models.CharField(_("source"), max_length=20, choices=WorkerSource.choices)
    item_type = models.CharField(_("item type"), max_length=40, choices=ItemType.choices)
    title = models.CharField(
        _("title"),
        max_length=150,
        blank=True,
        help_text=_("Leave empty to use the item type's name."),
    )
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    applies_when = models.CharField(
        _("applies when"), max_length=40, choices=Condition.choices, default=Condition.ALWAYS
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "staffing_checklisttemplate"
        verbose_name = _("checklist template item")
        verbose_name_plural = _("checklist template items")
        ordering = ["source", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "item_type"], name="checklist_template_one_type_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.title or self.get_item_type_display()}"


class PoliceCertificate(models.Model):
    """That a police certificate was presented, and nothing about what it says."""

    worker = models.ForeignKey(
        "staffing.Worker",
        on_delete=models.CASCADE,
        related_name="police_certificates",
        verbose_name=_("worker"),
    )
    purpose = models.CharField(
        _("purpose (legal basis)"), max_length=30, choices=CertificatePurpose.choices
    )
    issued_on = models.DateField(_("issue date"))
    presented_on = models.DateField(_("date presented"))
    cleared = models.BooleanField(_("cleared"), default=False)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("checked by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        db_table = "staffing_policecertificate"
        verbose_name = _("police certificate record")
        verbose_name_plural = _("police certificate records")
        ordering = ["-presented_on", "-pk"]
        indexes = [models.Index(fields=["worker", "purpose", "cleared"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.presented_on}"


class ContractType(models.TextChoices):
    TEMPORARY = "temporary", _("Temporary employment")
    EXTENDED_POSITION = "extended_position", _("Extended position for part-time staff")
    NONE = "none", _("No new contract")


class TemporaryGround(models.TextChoices):
    """Arbeidsmiljøloven § 14-9 (2) a–e."""

    A = "a", _("(a) the work is of a temporary nature")
    B = "b", _("(b) work as a substitute for another person or persons")
    C = "c", _("(c) practical training")
    D = "d", _("(d) participants in labour market schemes")
    E = "e", _("(e) sports")


class EmploymentContract(models.Model):
    placement = models.OneToOneField(
        "placements.Placement",
        on_delete=models.CASCADE,
        related_name="contract",
        verbose_name=_("placement"),
    )
    contract_type = models.CharField(
        _("contract type"), max_length=20, choices=ContractType.choices
    )
    legal_ground = models.CharField(
        _("legal ground (aml. § 14-9 (2))"),
        max_length=1,
        choices=TemporaryGround.choices,
        blank=True,
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    signed_on = models.DateField(_("signed"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "staffing_employmentcontract"
        verbose_name = _("employment contract")
        verbose_name_plural = _("employment contracts")

    def __str__(self) -> str:
        return self.get_contract_type_display()


@functools.cache
def _type_names(item_type: str) -> frozenset[str]:
    return frozenset(in_each_language(lambda: str(ItemType(item_type).label)).values())


class ChecklistItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=[ChecklistItem.Status.TODO, ChecklistItem.Status.IN_PROGRESS])

    def required(self):
        return self.filter(required=True)


class ChecklistItem(models.Model):
    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    placement = models.ForeignKey(
        "placements.Placement",
        on_delete=models.CASCADE,
        related_name="checklist_items",
        verbose_name=_("placement"),
    )
    # Makes creation idempotent: the item type, plus the system for access items.
    key = models.CharField(max_length=60, editable=False)
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    item_type = models.CharField(_("item type"), max_length=40, choices=ItemType.choices)
    title = models.CharField(_("title"), max_length=150)
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    it_system = models.ForeignKey(
        "staffing.ITSystem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("IT system"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.TODO
    )
    not_applicable_reason = models.CharField(_("reason not applicable"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    police_certificate = models.ForeignKey(
        PoliceCertificate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("police certificate record"),
    )
    access_ordered_on = models.DateField(_("access ordered"), null=True, blank=True)
    access_granted_on = models.DateField(_("access granted"), null=True, blank=True)
    overdue_notified_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChecklistItemQuerySet.as_manager()

    class Meta:
        db_table = "staffing_checklistitem"
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["placement", "order", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.UniqueConstraint(fields=["placement", "key"], name="checklist_item_unique_key")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def label(self) -> str:
        """The title in the reader's language. A title is stored in the language of whoever
        created the placement; if it is the item type's own name (in any interface language),
        the type's name is shown translated, with the IT system's name after it. A title an
        administrator wrote on the template is shown as written."""
        title = self.title
        system = ""
        if self.it_system_id and ": " in title:
            title, system = title.split(": ", 1)
        if title in _type_names(self.item_type):
            label = str(ItemType(self.item_type).label)
            return f"{label}: {system}" if system else label
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.NOT_APPLICABLE)
