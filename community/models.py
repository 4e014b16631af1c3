"""Residents' requests for practical help, the tasks general volunteers take, and follow-up.

A request holds the resident's contact details only until DUGNAD["HELP_REQUEST_RETENTION_DAYS"]
after it is closed; then they are blanked in place (`erased_at`) and the row stays as an
anonymous count (kind, district, dates, outcome) for reporting.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from community.rules import signals_care_need


class Kind(models.TextChoices):
    SHOPPING = "shopping", _("Shopping")
    PHARMACY = "pharmacy", _("Pharmacy pick-up")
    WALK = "walk", _("A walk")
    PHONE_FRIEND = "phone_friend", _("A phone friend")
    TRANSPORT = "transport", _("Transport")
    OTHER = "other", _("Other practical help")


class Frequency(models.TextChoices):
    ONCE = "once", _("Once")
    WEEKLY = "weekly", _("Every week")
    FORTNIGHTLY = "fortnightly", _("Every other week")


class TimeOfDay(models.TextChoices):
    ANY = "any", _("Any time")
    MORNING = "morning", _("Morning (08–12)")
    AFTERNOON = "afternoon", _("Afternoon (12–16)")
    EVENING = "evening", _("Evening (16–20)")


class Relation(models.TextChoices):
    SELF = "self", _("I need help myself")
    RELATIVE = "relative", _("I am a relative")
    NEIGHBOUR = "neighbour", _("I am a neighbour or friend")
    OTHER = "other", _("Other")


class HelpRequestQuerySet(models.QuerySet):
    def present(self):
        return self.filter(erased_at__isnull=True)

    def open(self):
        return self.present().filter(
            status__in=[HelpRequest.Status.NEW, HelpRequest.Status.ACCEPTED]
        )

    def triage_order(self):
        """Urgent first, then the date help is wanted, then the oldest request."""
        return self.order_by("-urgent", "wanted_on", "created_at", "pk")


class HelpRequest(models.Model):
    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("help request status", "New")
        ACCEPTED = "accepted", _("Accepted")
        REFERRED = "referred", _("Referred to the municipality's services")
        CLOSED = "closed", _("Closed")

    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        PHONE = "phone", _("By phone to the municipality")

    class ReferredTo(models.TextChoices):
        HOME_CARE = "home_care", _("Home care services (hjemmetjenesten)")
        ALLOCATION = "allocation", _("Allocation office for health and care services")
        MENTAL_HEALTH = "mental_health", _("Mental health and substance abuse services")
        NAV = "nav", _("NAV")
        OTHER = "other", _("Other municipal service")

    class CloseReason(models.TextChoices):
        COMPLETED = "completed", _("Help given")
        NOT_NEEDED = "not_needed", _("No longer needed")
        NO_VOLUNTEER = "no_volunteer", _("No volunteer available")
        UNREACHABLE = "unreachable", _("Could not reach the resident")
        DUPLICATE = "duplicate", _("Duplicate request")
        OUT_OF_SCOPE = "out_of_scope", _("Not a task for volunteers")

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    kind = models.CharField(_("what help"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("what the volunteer should know"), blank=True)
    frequency = models.CharField(
        _("how often"), max_length=20, choices=Frequency.choices, default=Frequency.ONCE
    )
    wanted_on = models.DateField(_("wanted from"))
    time_of_day = models.CharField(
        _("time of day"), max_length=20, choices=TimeOfDay.choices, default=TimeOfDay.ANY
    )
    urgent = models.BooleanField(_("urgent (within two days)"), default=False)
    district = models.ForeignKey(
        "staffing.District",
        on_delete=models.PROTECT,
        related_name="help_requests",
        verbose_name=_("district"),
    )
    language = models.ForeignKey(
        "staffing.Skill",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("language the resident prefers"),
    )
    # The resident: only what the task needs.
    first_name = models.CharField(_("resident's first name"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("resident's phone"), max_length=20, blank=True)
    # Who asked, if someone asked for them.
    relation = models.CharField(
        _("who is asking"), max_length=20, choices=Relation.choices, default=Relation.SELF
    )
    requester_name = models.CharField(_("name of the person asking"), max_length=100, blank=True)
    requester_phone = models.CharField(_("phone of the person asking"), max_length=20, blank=True)

    channel = models.CharField(
        _("received"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    consent_version = models.CharField(_("privacy notice version"), max_length=20, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    created_at = models.DateTimeField(_("received at"), default=timezone.now)

    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("triaged by"),
    )
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    referred_to = models.CharField(
        _("referred to"), max_length=20, choices=ReferredTo.choices, blank=True
    )
    referral_note = models.TextField(_("referral note"), blank=True)
    close_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=CloseReason.choices, blank=True
    )
    close_note = models.TextField(_("note"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    erased_at = models.DateTimeField(_("resident's data erased"), null=True, blank=True)

    objects = HelpRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "urgent", "wanted_on"]),
            models.Index(
                fields=["closed_at"],
                condition=Q(erased_at__isnull=True),
                name="help_request_erase_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.NEW, self.Status.ACCEPTED) and not self.erased_at

    @property
    def signals_care_need(self) -> bool:
        return signals_care_need(self.description)


class TaskQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(status__in=Task.UNFINISHED)


class Task(models.Model):
    """One piece of help (or a recurring series of it) for one request, taken by one volunteer.
    A series has one visit per occurrence; a one-off task has one visit."""

    class Status(models.TextChoices):
        OPEN = "open", _("Not sent yet")
        OFFERED = "offered", _("Sent to volunteers")
        TAKEN = "taken", _("Taken")
        DONE = "done", _("Done")
        NOT_POSSIBLE = "not_possible", _("Not possible")
        CANCELLED = "cancelled", _("Ended")

    UNFINISHED = (Status.OPEN, Status.OFFERED, Status.TAKEN)

    request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("request")
    )
    kind = models.CharField(_("what help"), max_length=20, choices=Kind.choices)
    frequency = models.CharField(
        _("how often"), max_length=20, choices=Frequency.choices, default=Frequency.ONCE
    )
    first_on = models.DateField(_("first date"))
    last_on = models.DateField(_("last date"))
    time_of_day = models.CharField(
        _("time of day"), max_length=20, choices=TimeOfDay.choices, default=TimeOfDay.ANY
    )
    note = models.TextField(_("what the volunteer should know"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="community_tasks",
        verbose_name=_("volunteer"),
    )
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=300, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["first_on", "pk"]
        indexes = [models.Index(fields=["status", "first_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.first_on}"

    @property
    def is_recurring(self) -> bool:
        return self.frequency != Frequency.ONCE

    @property
    def is_unfinished(self) -> bool:
        return self.status in self.UNFINISHED


class Visit(models.Model):
    """One occurrence of a task, which the volunteer reports as done or not possible."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        NOT_POSSIBLE = "not_possible", _("Not possible")
        CANCELLED = "cancelled", _("Cancelled")

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="visits", verbose_name=_("task")
    )
    due_on = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    reason = models.CharField(_("why not"), max_length=300, blank=True)
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["due_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["task", "due_on"], name="one_visit_per_day")]

    def __str__(self) -> str:
        return f"{self.due_on} {self.get_status_display()}"


class TaskOfferQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=TaskOffer.Status.PENDING)


class TaskOffer(models.Model):
    """A task sent to one general volunteer, answered through a personal link whose token is
    random and stored only as a hash. The same link later shows the task while it runs."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Said yes")
        DECLINED = "declined", _("Said no")
        TAKEN = "taken", _("Taken by someone else")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="offers", verbose_name=_("task")
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        on_delete=models.CASCADE,
        related_name="community_offers",
        verbose_name=_("volunteer"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # for an answer by SMS: "JA <code>" from the number the offer went to
    code = models.CharField(_("short code"), max_length=8, blank=True)
    phone = models.CharField(_("sent to (SMS)"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=10, default="nb")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent"))
    deadline = models.DateTimeField(_("answer by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = models.CharField(_("reason given"), max_length=300, blank=True)

    objects = TaskOfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("task offer")
        verbose_name_plural = _("task offers")
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "volunteer"], name="one_offer_per_volunteer"),
            models.UniqueConstraint(
                fields=["task"], condition=Q(status="accepted"), name="one_yes_per_task"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} → #{self.volunteer_id} ({self.get_status_display()})"


class FollowUp(models.Model):
    """The coordinator called the resident to ask how it went."""

    class Outcome(models.TextChoices):
        WENT_WELL = "went_well", _("It went well")
        PROBLEM = "problem", _("Something needs attention")
        NO_ANSWER = "no_answer", _("No answer")

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("task")
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.at:%Y-%m-%d}"


class VolunteerContact(models.Model):
    """A care unit's volunteer contact person (frivillighetskontakt): the staff member who
    receives volunteers placed for activities there and follows their journey."""

    unit = models.OneToOneField(
        "staffing.Unit",
        on_delete=models.CASCADE,
        related_name="volunteer_contact",
        verbose_name=_("unit"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="volunteer_contact_for",
        verbose_name=_("contact person"),
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("named by"),
    )
    set_at = models.DateTimeField(_("named at"), default=timezone.now)

    class Meta:
        verbose_name = _("volunteer contact person")
        verbose_name_plural = _("volunteer contact persons")

    def __str__(self) -> str:
        return f"{self.unit}: {self.user}"


class Activity(models.Model):
    """A general volunteer placed for an activity at a care unit (reading aloud, walks,
    a choir), received by the unit's contact person."""

    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("volunteer"),
    )
    unit = models.ForeignKey(
        "staffing.Unit",
        on_delete=models.PROTECT,
        related_name="volunteer_activities",
        verbose_name=_("unit"),
    )
    description = models.CharField(_("activity"), max_length=200)
    starts_on = models.DateField(_("starts"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("placed by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    ended_on = models.DateField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.description} ({self.unit})"


class JourneyStep(models.Model):
    """One milestone of a placed volunteer's journey with its planned date; the contact person
    is reminded before it. Done steps are recorded as the volunteer's milestone too."""

    class Kind(models.TextChoices):
        FIRST_MEETING = "first_meeting", _("First meeting with contact person")
        INTRODUCTION_COURSE = "introduction_course", _("Introduction course")
        FIRST_ASSIGNMENT = "first_assignment", _("First assignment")
        FOLLOW_UP_CALL = "follow_up_call", _("Follow-up call")

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="steps", verbose_name=_("activity")
    )
    kind = models.CharField(_("milestone"), max_length=30, choices=Kind.choices)
    planned_on = models.DateField(_("planned"), null=True, blank=True)
    done_on = models.DateField(_("done"), null=True, blank=True)
    # The planned date a reminder went out for: a moved date is reminded again.
    reminded_for = models.DateField(_("reminded for"), null=True, blank=True)

    ORDER = [
        Kind.FIRST_MEETING,
        Kind.INTRODUCTION_COURSE,
        Kind.FIRST_ASSIGNMENT,
        Kind.FOLLOW_UP_CALL,
    ]

    class Meta:
        verbose_name = _("journey step")
        verbose_name_plural = _("journey steps")
        ordering = ["activity", "planned_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "kind"], name="one_step_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.planned_on or ''}"
