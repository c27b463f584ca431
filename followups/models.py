import functools
import secrets
import zoneinfo
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from contacts.models import DEFAULT_CADENCE_DAYS, Tier
from contacts.ownership import OwnedModel


@functools.cache
def iana_time_zones() -> frozenset[str]:
    """The IANA zone names; read from disk once (it takes ~0.1 s each time)."""
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in iana_time_zones():
        raise ValidationError(f"“{value}” is not a time zone from the IANA database.")


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class Preferences(models.Model):
    """Per-user settings that shape the rules and the daily email."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences"
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    digest_enabled = models.BooleanField("send me a daily email", default=True)
    digest_hour = models.PositiveSmallIntegerField(
        default=7, help_text="Local hour (0–23) after which the daily email goes out"
    )
    digest_send_empty = models.BooleanField("send even when there is nothing to do", default=False)
    thank_you_window_days = models.PositiveSmallIntegerField(default=1)
    min_outreach_gap_days = models.PositiveSmallIntegerField(
        default=14, help_text="Minimum days between two outreaches to the same person"
    )
    unanswered_limit = models.PositiveSmallIntegerField(
        default=2, help_text="Pause outreach after this many messages without a reply"
    )
    reply_window_days = models.PositiveSmallIntegerField(default=2)
    nudge_grace_days = models.PositiveSmallIntegerField(
        default=7, help_text="Days after a promise to you is due before a gentle nudge"
    )
    share_suggestions_per_day = models.PositiveSmallIntegerField(default=3)
    cadence_close_days = models.PositiveSmallIntegerField(default=DEFAULT_CADENCE_DAYS[Tier.CLOSE])
    cadence_regular_days = models.PositiveSmallIntegerField(
        default=DEFAULT_CADENCE_DAYS[Tier.REGULAR]
    )
    cadence_acquaintance_days = models.PositiveSmallIntegerField(
        default=DEFAULT_CADENCE_DAYS[Tier.ACQUAINTANCE]
    )
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)

    class Meta:
        verbose_name_plural = "preferences"
        constraints = [
            models.CheckConstraint(condition=Q(digest_hour__lte=23), name="prefs_digest_hour_0_23"),
            models.CheckConstraint(
                condition=Q(cadence_close_days__gte=1)
                & Q(cadence_regular_days__gte=1)
                & Q(cadence_acquaintance_days__gte=1),
                name="prefs_cadences_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Preferences of {self.user}"

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local_today(self, now=None) -> date:
        return (now or timezone.now()).astimezone(self.tz).date()

    def cadence_for_tier(self, tier: str) -> int:
        return {
            Tier.CLOSE: self.cadence_close_days,
            Tier.REGULAR: self.cadence_regular_days,
            Tier.ACQUAINTANCE: self.cadence_acquaintance_days,
        }[tier]

    @classmethod
    def for_user(cls, user) -> "Preferences":
        preferences, _ = cls.objects.get_or_create(user=user)
        return preferences


class QuietPeriod(OwnedModel):
    """Dates when no outreach is suggested: the owner's (vacation, on call, conference
    days) when contact is empty, or a contact's known busy dates."""

    contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="busy_periods",
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="quiet_period_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_on} – {self.ends_on} {self.reason}".strip()


class ResourceKind(models.TextChoices):
    ARTICLE = "article", "Article"
    PAPER = "paper", "Paper"
    GUIDELINE = "guideline", "Guideline"
    EVENT = "event", "Event"
    SERVICE = "service", "Service or clinic"


class Resource(OwnedModel):
    """Something worth sharing with the right people."""

    kind = models.CharField(
        max_length=20, choices=ResourceKind.choices, default=ResourceKind.ARTICLE
    )
    title = models.CharField(max_length=300)
    url = models.URLField("URL", max_length=500, blank=True)
    summary = models.TextField(blank=True)
    topics = models.ManyToManyField("contacts.Topic", blank=True, related_name="resources")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class CommitmentDirection(models.TextChoices):
    I_OWE = "i_owe", "I promised them"
    THEY_OWE = "they_owe", "They promised me"


class CommitmentStatus(models.TextChoices):
    OPEN = "open", "Open"
    KEPT = "kept", "Kept"
    BROKEN = "broken", "Broken"
    CANCELLED = "cancelled", "Cancelled"


class Commitment(OwnedModel):
    """A promise, in either direction: “send the triage paper by Friday”."""

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="commitments"
    )
    direction = models.CharField(
        max_length=10, choices=CommitmentDirection.choices, default=CommitmentDirection.I_OWE
    )
    description = models.CharField("what was promised", max_length=300)
    promised_on = models.DateField(default=date.today)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN
    )
    completed_on = models.DateField(null=True, blank=True)
    kept_on_time = models.BooleanField(null=True, blank=True, editable=False)
    source_interaction = models.ForeignKey(
        "interactions.Interaction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=F("promised_on")),
                name="commitment_due_after_promise",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(completed_on__isnull=False),
                name="commitment_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def is_overdue(self, today: date) -> bool:
        return (
            self.status == CommitmentStatus.OPEN and self.due_on is not None and self.due_on < today
        )


class FollowUpKind(models.TextChoices):
    THANK_YOU = "thank_you", "Thank-you"
    SHARE = "share", "Article to share"
    COMMITMENT = "commitment", "Promise to keep"
    NUDGE = "nudge", "Promise owed to you"
    REPLY = "reply", "Reply owed"
    CHECK_IN = "check_in", "Check-in"
    INTRO_CHECK = "intro_check", "How did the introduction go?"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    SNOOZED = "snoozed", "Snoozed"
    DISMISSED = "dismissed", "Dismissed"


class FollowUpQuerySet(models.QuerySet):
    def for_user(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def actionable(self, today: date):
        """Open follow-ups, plus snoozed ones whose snooze has run out."""
        return self.filter(
            Q(status=FollowUpStatus.OPEN)
            | Q(status=FollowUpStatus.SNOOZED, snoozed_until__lte=today)
        )


class FollowUp(OwnedModel):
    """One thing the owner should do for a contact. Rules create these; `dedupe_key`
    makes every rule idempotent in the database, not only in code."""

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="followups"
    )
    kind = models.CharField(max_length=20, choices=FollowUpKind.choices)
    reason = models.CharField(max_length=300)
    due_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    snoozed_until = models.DateField(null=True, blank=True)
    resource = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.CASCADE, related_name="followups"
    )
    commitment = models.ForeignKey(
        Commitment, null=True, blank=True, on_delete=models.CASCADE, related_name="followups"
    )
    source_interaction = models.ForeignKey(
        "interactions.Interaction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dedupe_key = models.CharField(max_length=120, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["owner", "status", "due_on"]),
            models.Index(fields=["contact", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["owner", "dedupe_key"], name="followup_dedupe"),
            models.CheckConstraint(
                condition=~Q(status="snoozed") | Q(snoozed_until__isnull=False),
                name="followup_snooze_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.contact}"

    def effective_due_on(self) -> date:
        if self.status == FollowUpStatus.SNOOZED and self.snoozed_until:
            return self.snoozed_until
        return self.due_on

    def is_overdue(self, today: date) -> bool:
        return self.effective_due_on() < today


class DigestStatus(models.TextChoices):
    CLAIMED = "claimed", "Claimed"
    # Handed to the mail server: never sent again automatically, even if the worker
    # died before recording the outcome (a missing email beats a duplicate).
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    EMPTY = "empty", "Nothing to send"


class DigestDelivery(models.Model):
    """The claim on (user, local date): at most one daily email per user per day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    local_date = models.DateField()
    status = models.CharField(
        max_length=10, choices=DigestStatus.choices, default=DigestStatus.CLAIMED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    item_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "digest deliveries"
        constraints = [
            models.UniqueConstraint(fields=["user", "local_date"], name="digest_once_per_local_day")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"Digest for {self.user} on {self.local_date}: {self.status}"
