from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.i18n import pick


class MatchingRun(models.Model):
    """One run of the matching engine: what triggered it, what it saw, what it found."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    class Trigger(models.TextChoices):
        NEED_CHANGED = "need_changed", _("A need was submitted or changed")
        WORKER_AVAILABLE = "worker_available", _("A worker's availability changed")
        SCHEDULE = "schedule", _("Scheduled run")
        MANUAL = "manual", _("Started by a coordinator")
        OFFER_ANSWERED = "offer_answered", _("An offer was declined or expired")

    trigger = models.CharField(_("trigger"), max_length=30, choices=Trigger.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # refreshed while the run works (matching.tasks); a running run whose heartbeat stopped
    # belonged to a worker that died
    heartbeat_at = models.DateTimeField(_("last sign of life"), default=timezone.now)
    slots = models.PositiveIntegerField(_("slots"), default=0)
    candidates = models.PositiveIntegerField(_("candidates"), default=0)
    arcs = models.PositiveIntegerField(_("feasible pairs"), default=0)
    filled = models.PositiveIntegerField(_("filled"), default=0)
    objective = models.FloatField(_("objective"), null=True, blank=True)
    bound = models.FloatField(_("lower bound"), null=True, blank=True)
    load_seconds = models.FloatField(_("load time (s)"), null=True, blank=True)
    solve_seconds = models.FloatField(_("solve time (s)"), null=True, blank=True)
    save_seconds = models.FloatField(_("save time (s)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_trigger_display()} ({self.get_status_display()})"


class Proposal(models.Model):
    """Matching's suggestion of one worker for one slot (shift × headcount position)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        OFFERED = "offered", _("Offered")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    run = models.ForeignKey(
        MatchingRun, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("run")
    )
    shift = models.ForeignKey(
        "needs.Shift", on_delete=models.CASCADE, related_name="proposals", verbose_name=_("shift")
    )
    slot_index = models.PositiveSmallIntegerField(_("position"), default=0)
    worker = models.ForeignKey(
        "staffing.Worker",
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("worker"),
    )
    cost = models.FloatField(_("cost"), default=0)
    # {language code: text}, see core.i18n; `explanation` gives the reader's language
    explanations = models.JSONField(_("explanation"), default=dict, blank=True)
    alternatives = models.JSONField(_("alternatives"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reject_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    placement = models.ForeignKey(
        "placements.Placement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("placement"),
    )

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["shift__start", "slot_index"]
        indexes = [models.Index(fields=["status", "shift"]), models.Index(fields=["worker"])]

    def __str__(self) -> str:
        return f"{self.worker_id} → {self.shift_id}/{self.slot_index}"

    @property
    def explanation(self) -> str:
        return pick(self.explanations)


class ProposalRejection(models.Model):
    """A coordinator said no to this worker on this shift: matching never proposes them for it
    again."""

    worker = models.ForeignKey(
        "staffing.Worker",
        on_delete=models.CASCADE,
        related_name="proposal_rejections",
        verbose_name=_("worker"),
    )
    shift = models.ForeignKey(
        "needs.Shift",
        on_delete=models.CASCADE,
        related_name="proposal_rejections",
        verbose_name=_("shift"),
    )
    reason = models.CharField(_("reason"), max_length=300)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rejected by"),
    )
    rejected_at = models.DateTimeField(_("rejected"), auto_now_add=True)

    class Meta:
        verbose_name = _("rejection")
        verbose_name_plural = _("rejections")
        ordering = ["-rejected_at"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "shift"], name="one_rejection_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} ✗ {self.shift_id}"


class UnfilledSlot(models.Model):
    """A slot a run could not fill, and why nobody fits."""

    run = models.ForeignKey(
        MatchingRun, on_delete=models.CASCADE, related_name="unfilled", verbose_name=_("run")
    )
    shift = models.ForeignKey(
        "needs.Shift",
        on_delete=models.CASCADE,
        related_name="unfilled_slots",
        verbose_name=_("shift"),
    )
    slot_index = models.PositiveSmallIntegerField(_("position"), default=0)
    # {language code: text}, see core.i18n; `reason` gives the reader's language
    reasons = models.JSONField(_("reason"), default=dict, blank=True)

    class Meta:
        verbose_name = _("unfilled slot")
        verbose_name_plural = _("unfilled slots")
        ordering = ["shift__start", "slot_index"]

    def __str__(self) -> str:
        return f"{self.shift_id}/{self.slot_index}"

    @property
    def reason(self) -> str:
        return pick(self.reasons)


class OfferQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Offer.Status.PENDING)


class Offer(models.Model):
    """A proposal sent to the person (an agency temp's to the agency) with an answer-by
    deadline. Every offer and answer is kept: the record arbeidsmiljøloven § 14-3 asks for.
    It names its worker and shift itself, so the record outlives the proposal."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CONFLICT = "conflict", _("Said yes, but could no longer be placed")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        BOTH = "both", _("E-mail and SMS")
        # the coordinator records a yes given by phone and places the person (DESIGN.md:
        # "Nobody is placed without saying yes"); kept in the § 14-3 record like any offer
        PHONE = "phone", _("By phone (recorded by the coordinator)")

    class Tier(models.TextChoices):
        """Who is asked first under arbeidsmiljøloven § 14-3, recorded when the offer is
        made (a person's position and wishes may change later)."""

        MORE_HOURS = "more_hours", _("Part-timer who wants more hours")
        INTERNAL = "internal", _("Other internal staff")
        VOLUNTEER = "volunteer", _("Volunteer (new temporary hire)")
        AGENCY = "agency", _("Agency temp")

    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("proposal"),
    )
    worker = models.ForeignKey(
        "staffing.Worker", on_delete=models.CASCADE, related_name="offers", verbose_name=_("worker")
    )
    shift = models.ForeignKey(
        "needs.Shift", on_delete=models.CASCADE, related_name="offers", verbose_name=_("shift")
    )
    slot_index = models.PositiveSmallIntegerField(_("position"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    recipient = models.CharField(_("sent to"), max_length=254, blank=True)
    # The mobile number (E.164) the SMS went to; an SMS answer from it finds the offer.
    phone = models.CharField(_("sent by SMS to"), max_length=20, blank=True)
    tier = models.CharField(_("§ 14-3 group"), max_length=20, choices=Tier.choices, blank=True)
    # sent by "offer automatically until filled" (on behalf of the coordinator who set it)
    automatic = models.BooleanField(_("sent automatically"), default=False)
    reminders = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, default="nb")
    # sha256 of the random token in the link; the token itself is never stored
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    code = models.CharField(_("short code"), max_length=8)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent"))
    deadline = models.DateTimeField(_("answer by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = models.CharField(_("reason given"), max_length=300, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    placement = models.ForeignKey(
        "placements.Placement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("placement"),
    )

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["worker", "status"]),
            models.Index(fields=["shift", "status"]),
            models.Index(
                fields=["phone", "status"], name="offer_phone_idx", condition=~models.Q(phone="")
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal"],
                condition=models.Q(status="pending"),
                name="one_pending_offer_per_proposal",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.worker_id} → {self.shift_id} ({self.status})"

    @property
    def by_email(self) -> bool:
        return self.channel in (self.Channel.EMAIL, self.Channel.BOTH) and bool(self.recipient)

    @property
    def by_sms(self) -> bool:
        return self.channel in (self.Channel.SMS, self.Channel.BOTH) and bool(self.phone)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PENDING and timezone.now() < self.deadline


class AutoOffer(models.Model):
    """A need set to "offer automatically until filled": after a no, an expiry or a new run,
    the next best is offered straight away, on behalf of the coordinator who set it."""

    need = models.OneToOneField(
        "needs.Need", on_delete=models.CASCADE, related_name="auto_offer", verbose_name=_("need")
    )
    enabled = models.BooleanField(_("offer automatically until filled"), default=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("set by"),
    )
    changed_at = models.DateTimeField(_("set"), default=timezone.now)

    class Meta:
        verbose_name = _("automatic offers")
        verbose_name_plural = _("automatic offers")

    def __str__(self) -> str:
        return f"{self.need_id}: {'on' if self.enabled else 'off'}"
