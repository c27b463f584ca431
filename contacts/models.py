from datetime import date, timedelta

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from contacts.ownership import OwnedModel, OwnedQuerySet
from interactions.choices import Channel


class Tier(models.TextChoices):
    CLOSE = "close", "Close"
    REGULAR = "regular", "Regular"
    ACQUAINTANCE = "acquaintance", "Acquaintance"


class Topic(OwnedModel):
    """An owner's tag: used for contacts' interests and resources' subjects."""

    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("owner", Lower("name"), name="topic_unique_name_per_owner")
        ]

    def __str__(self) -> str:
        return self.name


class ContactQuerySet(OwnedQuerySet):
    def active(self) -> "ContactQuerySet":
        return self.filter(archived_at__isnull=True)

    def reachable(self) -> "ContactQuerySet":
        """Contacts the rules may suggest reaching out to."""
        return self.active().filter(do_not_contact=False)


# The columns a contact's display name is made of, in `display_name`'s order: lists of
# thousands of names (the quick log's select) read only these.
DISPLAY_NAME_FIELDS = (
    "honorific",
    "first_name",
    "middle_name",
    "last_name",
    "credentials",
    "email",
)


def display_name(
    honorific: str, first_name: str, middle_name: str, last_name: str, credentials: str, email: str
) -> str:
    """“Dr. Jane Q. Smith, MD” — how the user would address the envelope."""
    full_name = " ".join(p for p in (first_name, middle_name, last_name) if p)
    name = " ".join(p for p in (honorific, full_name) if p) or email
    return f"{name}, {credentials}" if credentials else name


class Contact(OwnedModel):
    # Identity
    honorific = models.CharField(max_length=20, blank=True, help_text="Dr., Prof., Ms. …")
    first_name = models.CharField(max_length=100, blank=True)
    middle_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    credentials = models.CharField(max_length=80, blank=True, help_text="MD, PhD, RN …")
    title = models.CharField("role / title", max_length=150, blank=True)
    specialty = models.CharField(max_length=120, blank=True)
    institution = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True)
    # Reaching them
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    phone_normalized = models.CharField(max_length=20, blank=True, editable=False)
    linkedin_url = models.URLField("LinkedIn URL", blank=True)
    website = models.URLField(blank=True)
    preferred_channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    availability_notes = models.CharField(
        max_length=300, blank=True, help_text="e.g. “clinic Mon–Wed, best reached Friday mornings”"
    )
    boundary_notes = models.TextField(blank=True)
    do_not_contact = models.BooleanField(default=False)
    assistant = models.CharField(
        "assistant / scheduler", max_length=200, blank=True, help_text="Who handles their calendar"
    )
    # What makes a message personal
    how_we_met = models.TextField(blank=True)
    met_at_event = models.ForeignKey(
        "interactions.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    interests = models.ManyToManyField(Topic, blank=True, related_name="contacts")
    research_interests = models.TextField(blank=True)
    recent_work = models.TextField(blank=True, help_text="A recent talk, paper or project")
    notes = models.TextField(blank=True)
    confidential_notes = models.TextField(
        blank=True, help_text="Never leaves the app: not in emails, not in default exports."
    )
    # Relationship rhythm
    tier = models.CharField(max_length=20, choices=Tier.choices, default=Tier.REGULAR)
    cadence_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Keep-in-touch cadence; empty uses the tier's default."
    )
    last_two_way_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_outreach_at = models.DateTimeField(null=True, blank=True, editable=False)
    stale_since = models.DateField(null=True, blank=True, editable=False)
    on_hold_until = models.DateField(null=True, blank=True, editable=False)
    on_hold_reason = models.CharField(max_length=200, blank=True, editable=False)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["owner", "last_name", "first_name"]),
            models.Index(fields=["owner", "email"]),
            models.Index(fields=["owner", "stale_since"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(first_name="", last_name="", email=""),
                name="contact_has_name_or_email",
            ),
            models.CheckConstraint(
                condition=Q(cadence_days__isnull=True) | Q(cadence_days__gte=1),
                name="contact_cadence_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_name, self.last_name) if p)

    @property
    def display_name(self) -> str:
        """“Dr. Jane Q. Smith, MD” — how the user would address the envelope."""
        return display_name(*(getattr(self, name) for name in DISPLAY_NAME_FIELDS))

    def get_absolute_url(self) -> str:
        return reverse("contact_detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def effective_cadence_days(self, preferences=None) -> int:
        if self.cadence_days:
            return self.cadence_days
        if preferences is not None:
            return preferences.cadence_for_tier(self.tier)
        return DEFAULT_CADENCE_DAYS[self.tier]

    def next_check_in_due(self, preferences=None) -> date | None:
        if self.last_two_way_at is None:
            return None
        return self.last_two_way_at.date() + timedelta(
            days=self.effective_cadence_days(preferences)
        )

    def is_on_hold(self, today: date) -> bool:
        return self.on_hold_until is not None and self.on_hold_until >= today


DEFAULT_CADENCE_DAYS = {Tier.CLOSE: 30, Tier.REGULAR: 90, Tier.ACQUAINTANCE: 180}


class ConnectionKind(models.TextChoices):
    COLLEAGUE = "colleague", "Colleague"
    INTRODUCED_BY = "introduced_by", "Introduced by"
    INTRODUCED = "introduced", "Introduced by me"
    MENTOR = "mentor", "Mentor of"
    SAME_INSTITUTION = "same_institution", "Same institution"
    COAUTHOR = "coauthor", "Co-author"
    OTHER = "other", "Other"


class Connection(OwnedModel):
    """A known relationship between two of the owner's contacts (mutual acquaintances,
    introductions): from_contact is <kind> to_contact."""

    from_contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="connections_from"
    )
    to_contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="connections_to")
    kind = models.CharField(max_length=20, choices=ConnectionKind.choices)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_contact", "to_contact", "kind"], name="connection_unique"
            ),
            models.CheckConstraint(
                condition=~Q(from_contact=models.F("to_contact")), name="connection_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_contact} — {self.get_kind_display()} — {self.to_contact}"


class ContactMerge(OwnedModel):
    """The record of merging a duplicate into a kept contact: what the duplicate was."""

    kept = models.ForeignKey(Contact, null=True, on_delete=models.SET_NULL, related_name="merges")
    merged_name = models.CharField(max_length=300)
    merged_data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", "Preview"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    COMMITTED = "committed", "Committed"
    FAILED = "failed", "Failed"
    UNDONE = "undone", "Undone"


class ImportBatch(OwnedModel):
    """One upload of an attendee list (or LinkedIn / vCard file) and what it did."""

    created_by = models.ForeignKey(
        "auth.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.ForeignKey(
        "interactions.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=40, blank=True)
    upload = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    column_mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.PREVIEW
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    merged_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When a worker took the batch (RUNNING): a claim older than the lease is taken over,
    # since a killed worker's transaction left nothing behind.
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    committed_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class ImportedRecord(models.Model):
    """What one import did to one contact, so the batch can be undone exactly."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        MERGED = "merged", "Merged"

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="records")
    contact = models.ForeignKey(Contact, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    # For merges: the values of the fields the import filled, before it filled them.
    previous_values = models.JSONField(default=dict, blank=True)
    attendance = models.ForeignKey(
        "interactions.Attendance",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attendance_created = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.get_action_display()} contact {self.contact_id}"


class ColumnMapping(OwnedModel):
    """The column mapping a user confirmed for a header set, reused next time."""

    header_signature = models.CharField(max_length=64)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "header_signature"], name="column_mapping_unique_per_owner"
            )
        ]
