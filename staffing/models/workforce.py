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
        Qualification,
        blank=True,
        related_name="workers",
        verbose_name=_("qualifications"),
        through="staffing.WorkerQualification",
    )
    skills = models.ManyToManyField(
        Skill,
        blank=True,
        related_name="workers",
        verbose_name=_("skills and languages"),
        through="staffing.WorkerSkill",
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
    hpr_valid_until = models.DateField(
        _("authorisation valid until"),
        null=True,
        blank=True,
        help_text=_("A time-limited authorisation (lisens): not matched for shifts after this."),
    )
    # The valid-until date HR was last told about (see staffing.services.credentials_notify).
    hpr_expiry_notified_for = models.DateField(null=True, blank=True, editable=False)
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


class CredentialQuerySet(models.QuerySet):
    def expiring(self, *, today: dt.date, days: int):
        """Valid until some day from today to `days` ahead."""
        return self.filter(valid_until__gte=today, valid_until__lte=today + dt.timedelta(days=days))


class WorkerQualification(models.Model):
    """A qualification a worker holds; a licence or certificate may be valid until a day, after
    which matching no longer counts it. The table is the one the plain many-to-many had."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE)
    qualification = models.ForeignKey(
        Qualification, on_delete=models.CASCADE, verbose_name=_("qualification")
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # The valid-until date HR was last told about (see staffing.services.credentials_notify).
    expiry_notified_for = models.DateField(null=True, blank=True, editable=False)

    objects = CredentialQuerySet.as_manager()

    class Meta:
        db_table = "staffing_worker_qualifications"
        verbose_name = _("qualification held")
        verbose_name_plural = _("qualifications held")
        unique_together = [("worker", "qualification")]
        indexes = [models.Index(fields=["valid_until"], name="worker_qual_valid_until")]

    def __str__(self) -> str:
        return f"{self.worker_id}: {self.qualification_id}"


class WorkerSkill(models.Model):
    """A skill or language; a skill certificate (e.g. medication handling) may expire."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE)
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, verbose_name=_("skill"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    expiry_notified_for = models.DateField(null=True, blank=True, editable=False)

    objects = CredentialQuerySet.as_manager()

    class Meta:
        db_table = "staffing_worker_skills"
        verbose_name = _("skill held")
        verbose_name_plural = _("skills held")
        unique_together = [("worker", "skill")]
        indexes = [models.Index(fields=["valid_until"], name="worker_skill_valid_until")]

    def __str__(self) -> str:
        return f"{self.worker_id}: {self.skill_id}"


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
    # Set when the window comes from the home unit's release (and goes with its recall).
    release = models.ForeignKey(
        "staffing.Release",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="windows",
        verbose_name=_("release"),
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


WEEKDAYS = [
    ("0", _("Monday")),
    ("1", _("Tuesday")),
    ("2", _("Wednesday")),
    ("3", _("Thursday")),
    ("4", _("Friday")),
    ("5", _("Saturday")),
    ("6", _("Sunday")),
]


class Release(models.Model):
    """Frikjøp / omdisponering: the home unit's leader lets an employee work elsewhere for a
    period, on some weekdays, either between given hours or for a share of the position. The
    released time becomes availability windows (`windows`) that matching uses; a recall with
    notice ends it."""

    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="releases", verbose_name=_("worker")
    )
    home_unit = models.ForeignKey(
        "staffing.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("home unit")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    weekdays = models.CharField(_("weekdays"), max_length=7, default="01234")
    day_start = models.TimeField(_("from time"), null=True, blank=True)
    day_end = models.TimeField(_("to time"), null=True, blank=True)
    share_percent = models.PositiveSmallIntegerField(
        _("share of the position (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("released by"),
    )
    created_at = models.DateTimeField(_("released at"), auto_now_add=True)
    recalled_at = models.DateTimeField(_("recalled at"), null=True, blank=True)
    recalled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recalled by"),
    )
    back_on = models.DateField(
        _("back at the home unit from"),
        null=True,
        blank=True,
        help_text=_("Set by a recall: from this day the person works at home again."),
    )

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["worker", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="release_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(share_percent__isnull=False)
                | models.Q(day_start__isnull=False, day_end__isnull=False),
                name="release_hours_or_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker}: {self.starts_on} – {self.ends_on}"

    @property
    def weekday_labels(self) -> list[str]:
        names = dict(WEEKDAYS)
        return [str(names[d]) for d in self.weekdays if d in names]

    @property
    def is_recalled(self) -> bool:
        return self.recalled_at is not None


class Absence(models.Model):
    """Sick leave or holiday: no proposals or offers for these days (whole days, Oslo time).
    Only the kind is kept, never a diagnosis."""

    class Kind(models.TextChoices):
        SICK = "sick", _("Sick leave")
        HOLIDAY = "holiday", _("Holiday")
        OTHER = "other", _("Other leave")

    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="absences", verbose_name=_("worker")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["starts_on", "pk"]
        indexes = [models.Index(fields=["worker", "starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="absence_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker}: {self.get_kind_display()} {self.starts_on} – {self.ends_on}"

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on
