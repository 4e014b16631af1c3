"""A competence inventory (kompetansekartlegging): employees of chosen units report, through a
personal link, their health and care competence and free capacity. What they report stays
here, "reported, not verified", until HR or a coordinator verifies it; only then does
`staffing.services.worker_competence_add` put it on the worker, where matching reads it."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

OSLO = ZoneInfo("Europe/Oslo")


class Weekday(models.TextChoices):
    MONDAY = "1", _("Monday")
    TUESDAY = "2", _("Tuesday")
    WEDNESDAY = "3", _("Wednesday")
    THURSDAY = "4", _("Thursday")
    FRIDAY = "5", _("Friday")
    SATURDAY = "6", _("Saturday")
    SUNDAY = "7", _("Sunday")


class Inventory(models.Model):
    title = models.CharField(_("title"), max_length=150)
    units = models.ManyToManyField(
        "staffing.Unit", related_name="inventories", verbose_name=_("units")
    )
    message = models.TextField(_("message to the employees"), blank=True, max_length=2000)
    valid_until = models.DateField(
        _("links valid until"),
        help_text=_("Employees can answer and update their availability until this day."),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    invitations_sent_at = models.DateTimeField(
        _("all links sent"),
        null=True,
        blank=True,
        help_text=_("Set when every employee of the units has an invitation (sent in batches)."),
    )
    reminder_round = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)

    class Meta:
        verbose_name = _("competence inventory")
        verbose_name_plural = _("competence inventories")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def expires_at(self) -> dt.datetime:
        """The end of `valid_until` in Oslo: the links stop working then."""
        next_day = self.valid_until + dt.timedelta(days=1)
        return dt.datetime.combine(next_day, dt.time(0), tzinfo=OSLO)

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class Invitation(models.Model):
    """One employee asked in one inventory. The token of the personal link is random and only
    its hash is stored; reminders carry a link derived from that hash (`tokens.link_token`)."""

    inventory = models.ForeignKey(Inventory, on_delete=models.CASCADE, related_name="invitations")
    worker = models.ForeignKey(
        "staffing.Worker",
        on_delete=models.CASCADE,
        related_name="inventory_invitations",
        verbose_name=_("employee"),
    )
    unit = models.ForeignKey(
        "staffing.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
        help_text=_("The employee's home unit when the inventory started."),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    reminded_round = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["inventory", "worker"], name="one_invitation_each")
        ]
        indexes = [models.Index(fields=["inventory", "unit", "answered_at"])]

    def __str__(self) -> str:
        return f"{self.inventory}: {self.worker}"


class Answer(models.Model):
    """What the employee reported. Nothing here counts in matching until verified."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported, not verified")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Not verified")

    class Willing(models.TextChoices):
        YES = "yes", _("Yes, I can be redeployed")
        OWN_FIELD = "own_field", _("Yes, but only to work like what I do now")
        NO = "no", _("No, not now")

    class Capacity(models.TextChoices):
        NONE = "none", _("I have no free capacity now")
        DAYS = "days", _("On certain weekdays and hours")
        SHARE = "share", _("A share of my position")

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="answer")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REPORTED
    )
    qualifications = models.ManyToManyField(
        "staffing.Qualification", blank=True, related_name="+", verbose_name=_("qualifications")
    )
    hpr_number = models.CharField(_("HPR number"), max_length=9, blank=True)
    experience_years = models.PositiveSmallIntegerField(
        _("years of experience in health and care"), null=True, blank=True
    )
    experience = models.TextField(_("experience"), blank=True, max_length=2000)
    skills = models.ManyToManyField(
        "staffing.Skill", blank=True, related_name="+", verbose_name=_("skills and languages")
    )
    willing = models.CharField(
        _("willing to be redeployed"), max_length=20, choices=Willing.choices
    )
    capacity = models.CharField(
        _("free capacity"), max_length=10, choices=Capacity.choices, default=Capacity.NONE
    )
    weekdays = models.CharField(_("weekdays"), max_length=20, blank=True)
    time_from = models.TimeField(_("from time"), null=True, blank=True)
    time_to = models.TimeField(_("to time"), null=True, blank=True)
    share_percent = models.PositiveSmallIntegerField(
        _("share of the position (%)"), null=True, blank=True
    )
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_to = models.DateField(_("available to"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verify_note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("inventory answer")
        verbose_name_plural = _("inventory answers")
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.invitation}: {self.get_status_display()}"

    @property
    def weekday_list(self) -> list[str]:
        return [d for d in self.weekdays.split(",") if d]

    def get_weekdays_display(self) -> str:
        labels = dict(Weekday.choices)
        return ", ".join(str(labels[d]) for d in self.weekday_list if d in labels)
