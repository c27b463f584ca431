from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from contacts.ownership import OwnedModel
from interactions.choices import Channel, Direction, Purpose, Value, ValueKind


class Interaction(OwnedModel):
    """Something that happened between the owner and a contact."""

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="interactions"
    )
    occurred_at = models.DateTimeField()
    channel = models.CharField(max_length=20, choices=Channel.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.OTHER)
    summary = models.TextField(blank=True)
    value = models.CharField(max_length=10, choices=Value.choices, default=Value.NEUTRAL)
    value_kind = models.CharField(max_length=20, choices=ValueKind.choices, blank=True)
    awaiting_reply = models.BooleanField(
        default=False, help_text="Outbound message that expects an answer"
    )
    event = models.ForeignKey(
        "interactions.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resource = models.ForeignKey(
        "followups.Resource", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "contact", "-occurred_at"]),
            models.Index(fields=["owner", "-occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} with {self.contact} on {self.occurred_at:%Y-%m-%d}"

    @property
    def is_two_way(self) -> bool:
        return self.direction in (Direction.INBOUND, Direction.MUTUAL)


class EventKind(models.TextChoices):
    CONFERENCE = "conference", "Conference"
    SYMPOSIUM = "symposium", "Symposium"
    GRAND_ROUNDS = "grand_rounds", "Grand rounds"
    WEBINAR = "webinar", "Webinar"
    MEETUP = "meetup", "Meetup"
    DINNER = "dinner", "Dinner"
    OTHER = "other", "Other"


class Event(OwnedModel):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=EventKind.choices, default=EventKind.CONFERENCE)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    url = models.URLField("URL", blank=True)
    goals = models.TextField(blank=True, help_text="What you want to come away with")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        indexes = [models.Index(fields=["owner", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="event_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("event_detail", args=[self.pk])


class AttendanceRole(models.TextChoices):
    ATTENDEE = "attendee", "Attendee"
    SPEAKER = "speaker", "Speaker"
    PANELIST = "panelist", "Panelist"
    ORGANIZER = "organizer", "Organizer"
    EXHIBITOR = "exhibitor", "Exhibitor"


class Attendance(OwnedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="attendances"
    )
    role = models.CharField(
        max_length=20, choices=AttendanceRole.choices, default=AttendanceRole.ATTENDEE
    )
    is_target = models.BooleanField(default=False)
    goals = models.TextField(blank=True)
    talking_points = models.TextField(blank=True)
    met = models.BooleanField(default=False)
    met_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "contact"], name="attendance_unique")
        ]
        indexes = [models.Index(fields=["owner", "event", "is_target"])]

    def __str__(self) -> str:
        return f"{self.contact} at {self.event}"


class MessageTemplate(OwnedModel):
    """A user's own draft template; built-in templates live in code (drafting)."""

    name = models.CharField(max_length=120)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["purpose", "name"]

    def __str__(self) -> str:
        return self.name
