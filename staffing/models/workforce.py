import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from outbox.sms import normalise_number

hpr_validator = RegexValidator(
    r"^\d{6,9}$", _("An HPR number is 6 to 9 digits (Helsepersonellregisteret).")
)


def translated_name(name: str, name_en: str) -> str:
    """Qualifications and skills are rows administrators add, so their names are kept in both
    interface languages on the row (not in the message catalogue, which only developers can
    change); an English reader gets the English name where there is one."""
    language = translation.get_language() or ""
    if name_en and language.startswith("en"):
        return name_en
    return name


class Qualification(models.Model):
    """Kompetanse / yrkesgruppe. `covers` is read transitively by matching."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    is_health = models.BooleanField(_("health qualification"), default=True)
    requires_authorisation = models.BooleanField(
        _("requires health authorisation"),
        default=False,
        help_text=_("Matched only with a verified HPR number."),
    )
    is_student = models.BooleanField(_("student"), default=False)
    rank = models.PositiveSmallIntegerField(
        _("rank"), default=0, help_text=_("Higher ranks are listed first.")
    )
    covers = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="covered_by",
        verbose_name=_("can also fill"),
    )

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["-rank", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (administrators keep both names)."""
        return translated_name(self.name, self.name_en)


class Skill(models.Model):
    class Kind(models.TextChoices):
        CLINICAL = "clinical", _("Clinical skill")
        LANGUAGE = "language", _("Language")
        OTHER = "other", _("Other")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CLINICAL)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (administrators keep both names)."""
        return translated_name(self.name, self.name_en)


class Agency(models.Model):
    """Vikarbyrå."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    org_number = models.CharField(_("organisation number"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("staffing agency")
        verbose_name_plural = _("staffing agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FrameworkAgreement(models.Model):
    """Rammeavtale: a validity period and an hourly rate per qualification."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("agency")
    )
    reference = models.CharField(_("reference"), max_length=60)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))

    class Meta:
        verbose_name = _("framework agreement")
        verbose_name_plural = _("framework agreements")
        ordering = ["agency__name", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")),
                name="agreement_valid_to_after_from",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.reference}"


class AgreementRate(models.Model):
    agreement = models.ForeignKey(
        FrameworkAgreement, on_delete=models.CASCADE, related_name="rates"
    )
    qualification = models.ForeignKey(
        Qualification, on_delete=models.PROTECT, verbose_name=_("qualification")
    )
    hourly_rate = models.DecimalField(
        _("hourly rate (NOK)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("hourly rate")
        verbose_name_plural = _("hourly rates")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "qualification"], name="one_rate_per_qualification"
            )
        ]

    def __str__(self) -> str:
        return f"{self.qualification}: {self.hourly_rate}"


class WorkerSource(models.TextChoices):
    EMPLOYEE = "employee", _("Internal employee")
    VOLUNTEER = "volunteer", _("Volunteer")
    AGENCY = "agency", _("Agency temp")


class WorkerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def with_verified_hpr(self):
        """Matching counts an authorised qualification only for these (see
        matching.adapter.eligibility); `Worker.has_verified_hpr` is the same test on one row."""
        return self.exclude(hpr_number="").filter(hpr_verified_at__isnull=False)


class ContactChannel(models.TextChoices):
    """How a person wants offers, confirmations and reminders."""

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    BOTH = "both", _("E-mail and SMS")


class Worker(models.Model):
    """Anyone matching can place, whatever the source: employee, volunteer or agency temp."""

    source = models.CharField(_("source"), max_length=20, choices=WorkerSource.choices)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("mobile phone"), max_length=32, blank=True)
    contact_channel = models.CharField(
        _("messages by"),
        max_length=10,
        choices=ContactChannel.choices,
        default=ContactChannel.EMAIL,
        help_text=_("How offers, confirmations and reminders reach the person."),
    )
    # The language of messages to the person; blank: the municipality's default (LANGUAGE_CODE).
    language = models.CharField(
        _("language of messages"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    qualifications = models.ManyToManyField(
        Qualification, blank=True, related_name="workers", verbose_name=_("qualifications")
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="workers", verbose_name=_("skills and languages")
    )
    hpr_number = models.CharField(
        _("HPR number"), max_length=9, blank=True, validators=[hpr_validator]
    )
    hpr_verified_at = models.DateTimeField(_("HPR verified at"), null=True, blank=True)
    hpr_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("HPR verified by"),
    )
    home_district = models.ForeignKey(
        "staffing.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workers",
        verbose_name=_("home district"),
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="temps",
        verbose_name=_("agency"),
    )
    agency_reference = models.CharField(
        _("agency's reference"),
        max_length=60,
        blank=True,
        help_text=_("The agency's own number for this temp; imports match temps by it."),
    )
    missing_since = models.DateTimeField(
        _("missing from the import since"),
        null=True,
        blank=True,
        help_text=_(
            "Set when a full export from the HR system or the agency no longer lists this "
            "person. Flagged for review; never deleted by an import."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkerQuerySet.as_manager()

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["source", "is_active"]),
            # The register pages through everyone by name: an index scan stops at one page.
            models.Index(fields=["last_name", "first_name", "id"], name="worker_name_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source="agency") | models.Q(agency__isnull=False),
                name="agency_temp_has_agency",
            ),
            models.UniqueConstraint(
                fields=["agency", "agency_reference"],
                condition=~models.Q(agency_reference=""),
                name="one_temp_per_agency_reference",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def message_channels(self) -> list[tuple[str, str]]:
        """[(channel, address)] for the person's choice; when the chosen channel has no
        address (no mobile number for SMS), whatever address there is."""
        addresses = {"email": self.email.strip(), "sms": normalise_number(self.phone) or ""}
        wanted = (
            ["email", "sms"]
            if self.contact_channel == ContactChannel.BOTH
            else [self.contact_channel]
        )
        chosen = [(c, addresses[c]) for c in wanted if addresses.get(c)]
        return chosen or [(c, a) for c, a in addresses.items() if a]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def has_verified_hpr(self) -> bool:
        return bool(self.hpr_number) and self.hpr_verified_at is not None


class EmployeeProfile(models.Model):
    """An internal employee's employment; free capacity is recorded as availability windows."""

    worker = models.OneToOneField(
        Worker, on_delete=models.CASCADE, related_name="employee", verbose_name=_("worker")
    )
    employee_number = models.CharField(_("employee number"), max_length=20, unique=True)
    home_unit = models.ForeignKey(
        "staffing.Unit",
        on_delete=models.PROTECT,
        related_name="employees",
        verbose_name=_("home unit"),
    )
    position_percent = models.PositiveSmallIntegerField(
        _("position size (%)"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    wants_more_hours = models.BooleanField(
        _("wants more hours"),
        default=False,
        help_text=_("Part-time employees who want more hours are offered extra shifts first."),
    )

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")

    def __str__(self) -> str:
        return f"{self.worker} ({self.employee_number})"


class AvailabilityQuerySet(models.QuerySet):
    def covering(self, start: dt.datetime, end: dt.datetime):
        return self.filter(start__lte=start, end__gte=end)


class Availability(models.Model):
    """A window when the worker can be placed (an employee's free capacity, a volunteer's time)."""

    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="availability", verbose_name=_("worker")
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("to"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = AvailabilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("availability window")
        verbose_name_plural = _("availability windows")
        ordering = ["worker", "start"]
        indexes = [models.Index(fields=["worker", "start", "end"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="availability_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker}: {self.start:%Y-%m-%d %H:%M} – {self.end:%Y-%m-%d %H:%M}"

    def covers(self, start: dt.datetime, end: dt.datetime) -> bool:
        return self.start <= start and end <= self.end
