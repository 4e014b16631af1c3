from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from outbox.sms import normalise_number
from staffing.models import ContactChannel


class Status(models.TextChoices):
    NEW = "new", pgettext_lazy("volunteer status", "New")
    CONTACTED = "contacted", _("Contacted")
    STAFFING_POOL = "staffing_pool", _("In staffing pool")
    GENERAL_VOLUNTEER = "general_volunteer", _("General volunteer")
    EMERGENCY_CLINIC = "emergency_clinic", _("Referred to emergency clinic")
    NOT_SUITABLE = "not_suitable", _("Not suitable")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Route(models.TextChoices):
    """What the routing rules suggest; the coordinator decides."""

    EMERGENCY_CLINIC = "emergency_clinic", _("Refer to emergency clinic")
    STAFFING_POOL = "staffing_pool", _("Staffing pool")
    GENERAL_VOLUNTEER = "general_volunteer", _("General volunteer register")
    ASSESS = "assess", _("Needs assessment")


class Weekday(models.TextChoices):
    MONDAY = "1", _("Monday")
    TUESDAY = "2", _("Tuesday")
    WEDNESDAY = "3", _("Wednesday")
    THURSDAY = "4", _("Thursday")
    FRIDAY = "5", _("Friday")
    SATURDAY = "6", _("Saturday")
    SUNDAY = "7", _("Sunday")


class TimeOfDay(models.TextChoices):
    DAY = "day", _("Daytime (07–15)")
    EVENING = "evening", _("Evening (15–23)")
    NIGHT = "night", _("Night (23–07)")


class GeneralTask(models.TextChoices):
    SHOPPING = "shopping", _("Shopping and errands")
    PHONE = "phone", _("Phone calls with people who are alone")
    DRIVING = "driving", _("Driving")
    OTHER = "other", _("Other tasks")


class VolunteerQuerySet(models.QuerySet):
    def present(self):
        """Registrations whose personal data still exists."""
        return self.filter(erased_at__isnull=True)

    def in_screening(self):
        return self.present().filter(status__in=[Status.NEW, Status.CONTACTED])


class Volunteer(models.Model):
    """A registration from the public form. Multi-valued choices (weekdays, times of day,
    general tasks) are stored as comma-separated codes so both SQLite and PostgreSQL can filter
    them with `__contains`."""

    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    contact_channel = models.CharField(
        _("messages by"),
        max_length=10,
        choices=ContactChannel.choices,
        default=ContactChannel.EMAIL,
    )
    district = models.ForeignKey(
        "staffing.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteers",
        verbose_name=_("district"),
    )
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    qualifications = models.ManyToManyField(
        "staffing.Qualification",
        blank=True,
        related_name="volunteers",
        verbose_name=_("qualifications"),
    )
    study_year = models.PositiveSmallIntegerField(_("year of study"), null=True, blank=True)
    hpr_number = models.CharField(_("HPR number"), max_length=9, blank=True)
    languages = models.ManyToManyField(
        "staffing.Skill", blank=True, related_name="volunteers", verbose_name=_("languages")
    )
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_to = models.DateField(_("available until"), null=True, blank=True)
    weekdays = models.CharField(_("days"), max_length=20, blank=True)
    times_of_day = models.CharField(_("times of day"), max_length=40, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"), null=True, blank=True)
    wants_contract = models.BooleanField(_("willing to take a temporary contract"), default=False)
    general_tasks = models.CharField(_("general volunteer tasks"), max_length=80, blank=True)
    free_text = models.TextField(_("anything else"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="nb")

    consent_version = models.CharField(_("privacy notice version"), max_length=20, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    token_hash = models.CharField(max_length=64, blank=True, editable=False)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    suggested_route = models.CharField(
        _("suggested route"), max_length=20, choices=Route.choices, default=Route.ASSESS
    )
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    is_paused = models.BooleanField(_("paused"), default=False)
    referral_sent_at = models.DateTimeField(_("sent to emergency clinic"), null=True, blank=True)
    worker = models.OneToOneField(
        "staffing.Worker",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer",
        verbose_name=_("worker"),
    )

    registered_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    last_activity_at = models.DateTimeField(_("last activity"))
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["-registered_at"]
        indexes = [
            models.Index(fields=["status", "registered_at"]),
            models.Index(fields=["last_activity_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=~models.Q(email=""), name="volunteer_unique_email"
            ),
            models.UniqueConstraint(
                fields=["token_hash"],
                condition=~models.Q(token_hash=""),
                name="volunteer_unique_token",
            ),
        ]

    def __str__(self) -> str:
        if self.erased_at:
            return f"#{self.pk}"
        return self.full_name or f"#{self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def message_channels(self) -> list[tuple[str, str]]:
        """[(channel, address)] for the volunteer's choice (as `Worker.message_channels`); when
        the chosen channel has no address, whatever address there is."""
        addresses = {"email": self.email.strip(), "sms": normalise_number(self.phone) or ""}
        wanted = ["email", "sms"] if self.contact_channel == "both" else [self.contact_channel]
        chosen = [(c, addresses[c]) for c in wanted if addresses.get(c)]
        return chosen or [(c, a) for c, a in addresses.items() if a]

    @property
    def weekday_list(self) -> list[str]:
        return [d for d in self.weekdays.split(",") if d]

    @property
    def times_list(self) -> list[str]:
        return [t for t in self.times_of_day.split(",") if t]

    @property
    def general_task_list(self) -> list[str]:
        return [t for t in self.general_tasks.split(",") if t]

    def get_weekdays_display(self) -> str:
        labels = dict(Weekday.choices)
        return ", ".join(str(labels[d]) for d in self.weekday_list if d in labels)

    def get_times_of_day_display(self) -> str:
        labels = dict(TimeOfDay.choices)
        return ", ".join(str(labels[t]) for t in self.times_list if t in labels)

    def get_general_tasks_display(self) -> str:
        labels = dict(GeneralTask.choices)
        return ", ".join(str(labels[t]) for t in self.general_task_list if t in labels)


class Milestone(models.Model):
    """Steps of the volunteer's journey (Drammen's model: contact person, introduction course)."""

    class Kind(models.TextChoices):
        FIRST_MEETING = "first_meeting", _("First meeting with contact person")
        INTRODUCTION_COURSE = "introduction_course", _("Introduction course")
        CONFIDENTIALITY = "confidentiality", _("Confidentiality declaration signed")
        FIRST_ASSIGNMENT = "first_assignment", _("First assignment")
        FOLLOW_UP_CALL = "follow_up_call", _("Follow-up call")

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("volunteer")
    )
    kind = models.CharField(_("milestone"), max_length=30, choices=Kind.choices)
    done_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["done_on"]
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "kind"], name="one_milestone_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.done_on}"


class Event(models.Model):
    """Who did what when with a registration, including who opened or exported it.
    `note` may hold personal data and is erased with the volunteer; nothing else does."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        UPDATED = "updated", _("Updated by the volunteer")
        STATUS = "status", _("Status changed")
        NOTE = "note", _("Note")
        FOLLOW_UP = "follow_up", _("Follow-up date set")
        MILESTONE = "milestone", _("Milestone recorded")
        ADMITTED = "admitted", _("Admitted to the staffing pool")
        PAUSED = "paused", _("Paused")
        RESUMED = "resumed", _("Resumed")
        REFERRAL_SENT = "referral_sent", _("Sent to the emergency clinic")
        WITHDRAWN = "withdrawn", _("Withdrew and was erased")
        ERASED = "erased", _("Erased after the retention period")
        COURSE_SIGNUP = "course_signup", _("Signed up for the introduction course")
        COURSE_CANCELLED = "course_cancelled", _("Cancelled the introduction course sign-up")
        VIEWED = "viewed", _("Record opened")
        EXPORTED = "exported", _("Exported")

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="events", verbose_name=_("volunteer")
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("volunteer event")
        verbose_name_plural = _("volunteer events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["volunteer", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class CourseSessionQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        return self.filter(starts_at__gt=now or timezone.now(), cancelled_at__isnull=True)


class CourseSession(models.Model):
    """A session of the introduction course for volunteers; volunteers sign up through their
    personal link, up to the session's capacity."""

    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveSmallIntegerField(_("places"))
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = CourseSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("introduction course session")
        verbose_name_plural = _("introduction course sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="course_ends_after_start",
            ),
            models.CheckConstraint(condition=models.Q(capacity__gt=0), name="course_has_places"),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.starts_at):%Y-%m-%d %H:%M} {self.place}"


class CourseSignup(models.Model):
    session = models.ForeignKey(
        CourseSession, on_delete=models.CASCADE, related_name="signups", verbose_name=_("session")
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="course_signups",
        verbose_name=_("volunteer"),
    )
    signed_up_at = models.DateTimeField(_("signed up"), default=timezone.now)
    attended = models.BooleanField(_("attended"), default=False)

    class Meta:
        verbose_name = _("course sign-up")
        verbose_name_plural = _("course sign-ups")
        ordering = ["signed_up_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "volunteer"], name="one_signup_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.session} #{self.volunteer_id}"
