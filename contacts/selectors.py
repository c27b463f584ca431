"""Reads for the contacts pages: search with filters for the list, and everything the
contact page shows, in a number of queries that does not grow with the data."""

from calendar import month_abbr
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Greatest, TruncMonth

from contacts.models import Connection, Contact, Tier, Topic
from followups.models import (
    Commitment,
    CommitmentStatus,
    FollowUp,
    FollowUpStatus,
    Preferences,
)
from followups.rules.reciprocity import GiveAskBalance
from interactions.choices import Value
from interactions.models import Attendance, Event, Interaction

# The text a search looks through; interests (topics) are searched by name as well.
SEARCH_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "institution",
    "specialty",
    "title",
    "research_interests",
    "recent_work",
    "notes",
)
# Names tolerate typos on PostgreSQL ("Okafur" finds Okafor): pg_trgm word similarity.
FUZZY_FIELDS = ("first_name", "last_name")
FUZZY_THRESHOLD = 0.4
FUZZY_MIN_LENGTH = 4
MAX_SEARCH_TERMS = 6

SORTS: dict[str, tuple[str, list]] = {
    "name": ("Name", ["last_name", "first_name", "id"]),
    "recent": (
        "Talked recently",
        [F("last_two_way_at").desc(nulls_last=True), "last_name", "id"],
    ),
    "silent": (
        "Longest silence",
        [F("last_two_way_at").asc(nulls_first=True), "last_name", "id"],
    ),
    "institution": ("Institution", ["institution", "last_name", "first_name", "id"]),
    "added": ("Newest first", ["-created_at", "-id"]),
    # Best match first on PostgreSQL (trigram similarity); by name elsewhere.
    "relevance": ("Best match", ["last_name", "first_name", "id"]),
}
DEFAULT_SORT = "name"


@dataclass(frozen=True)
class ContactFilters:
    """What the list was asked for; every field is optional."""

    q: str = ""
    stale: bool = False
    on_hold: bool = False
    tier: str = ""
    topic: Topic | None = None
    event: Event | None = None
    archived: bool = False
    sort: str = DEFAULT_SORT


def search_terms(q: str) -> list[str]:
    return [term for term in q.split() if term][:MAX_SEARCH_TERMS]


def _term_condition(term: str, *, similarity: str | None) -> Q:
    condition = Q()
    for name in SEARCH_FIELDS:
        condition |= Q(**{f"{name}__icontains": term})
    condition |= Q(
        Exists(
            Contact.interests.through.objects.filter(
                contact_id=OuterRef("pk"), topic__name__icontains=term
            )
        )
    )
    if similarity:
        condition |= Q(**{f"{similarity}__gte": FUZZY_THRESHOLD})
    return condition


def search_contacts(queryset: QuerySet, q: str) -> QuerySet:
    """Every word of `q` must appear in one of the searched fields (substring, case
    insensitive). On PostgreSQL the substring tests can use pg_trgm GIN indexes (see
    the migration) and a name also matches with a small typo ("Okafur" finds Okafor)
    by trigram word similarity; SQLite uses plain LIKE."""
    fuzzy = connection.vendor == "postgresql"
    for i, term in enumerate(search_terms(q)):
        similarity = None
        if fuzzy and len(term) >= FUZZY_MIN_LENGTH:
            similarity = f"name_similarity_{i}"
            queryset = queryset.annotate(
                **{
                    similarity: Greatest(
                        *(TrigramWordSimilarity(term, name) for name in FUZZY_FIELDS)
                    )
                }
            )
        queryset = queryset.filter(_term_condition(term, similarity=similarity))
    return queryset


def filter_contacts(user, filters: ContactFilters, *, today: date) -> QuerySet:
    queryset = Contact.objects.for_user(user)
    queryset = queryset.filter(archived_at__isnull=False) if filters.archived else queryset.active()
    if filters.q:
        queryset = search_contacts(queryset, filters.q)
    if filters.stale:
        queryset = queryset.filter(stale_since__isnull=False)
    if filters.on_hold:
        queryset = queryset.filter(on_hold_until__gte=today)
    if filters.tier in Tier.values:
        queryset = queryset.filter(tier=filters.tier)
    if filters.topic is not None:
        queryset = queryset.filter(
            Exists(
                Contact.interests.through.objects.filter(
                    contact_id=OuterRef("pk"), topic_id=filters.topic.pk
                )
            )
        )
    if filters.event is not None:
        queryset = queryset.filter(
            Q(met_at_event_id=filters.event.pk)
            | Q(
                Exists(
                    Attendance.objects.filter(contact_id=OuterRef("pk"), event_id=filters.event.pk)
                )
            )
        )
    order = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])[1]
    if filters.q and filters.sort == "relevance" and connection.vendor == "postgresql":
        queryset = queryset.annotate(
            relevance=Greatest(
                *(TrigramWordSimilarity(filters.q, name) for name in ("last_name", "first_name")),
                TrigramWordSimilarity(filters.q, "specialty"),
                TrigramWordSimilarity(filters.q, "institution"),
            )
        )
        order = [F("relevance").desc(), "last_name", "id"]
    return queryset.order_by(*order)


def contact_list_rows(queryset: QuerySet) -> QuerySet:
    """What each row of the list shows, without a query per row: interests in one
    prefetch, and the last interaction as a subquery (indexed on contact and time)."""
    latest = (
        Interaction.objects.filter(contact_id=OuterRef("pk"))
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )
    return queryset.annotate(last_interaction_at=Subquery(latest)).prefetch_related("interests")


# --- The contact page ------------------------------------------------------------

TIMELINE_LIMIT = 50
RHYTHM_MONTHS = 12


@dataclass
class MonthBar:
    label: str  # "Mar 2026"
    short: str  # "M"
    count: int
    x: float = 0
    y: float = 0
    height: float = 0


@dataclass
class Rhythm:
    """Interactions per month over the last year, laid out for a small SVG."""

    months: list[MonthBar]
    width: int = 240
    height: int = 44
    bar_width: float = 14

    @property
    def total(self) -> int:
        return sum(m.count for m in self.months)

    @property
    def peak(self) -> int:
        return max((m.count for m in self.months), default=0)

    @property
    def description(self) -> str:
        busy = ", ".join(f"{m.label}: {m.count}" for m in self.months if m.count)
        return (
            f"{self.total} interactions in the last {len(self.months)} months"
            + (f" ({busy})" if busy else "")
            + "."
        )


def month_starts(today: date, count: int) -> list[date]:
    """The first days of the last `count` months, oldest first, this month last."""
    year, month = today.year, today.month
    starts = []
    for _ in range(count):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def build_rhythm(counts: dict[date, int], today: date, months: int = RHYTHM_MONTHS) -> Rhythm:
    rhythm = Rhythm(
        months=[
            MonthBar(
                label=f"{month_abbr[start.month]} {start.year}",
                short=month_abbr[start.month][0],
                count=counts.get(start, 0),
            )
            for start in month_starts(today, months)
        ]
    )
    step = rhythm.width / months
    rhythm.bar_width = round(step * 0.7, 2)
    chart_height = rhythm.height - 4  # leave room for the baseline
    peak = rhythm.peak or 1
    for i, bar in enumerate(rhythm.months):
        # An empty month still gets a sliver, so the rhythm reads as a rhythm.
        bar.height = round(max(chart_height * bar.count / peak, 1.5), 2)
        bar.x = round(i * step + (step - rhythm.bar_width) / 2, 2)
        bar.y = round(chart_height - bar.height, 2)
    return rhythm


@dataclass
class ContactPage:
    contact: Contact
    today: date
    preferences: Preferences
    interactions: list[Interaction]
    has_more_interactions: bool
    followups: list[FollowUp]
    commitments: list[Commitment]
    connections: list[tuple[str, Contact, Connection]]
    attendances: list[Attendance]
    rhythm: Rhythm
    give_ask: GiveAskBalance
    last_conversation_at: datetime | None = None
    next_check_in_due: date | None = None
    cadence_days: int = 0
    interests: list[Topic] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return len(self.followups) + len(self.commitments)

    @property
    def is_on_hold(self) -> bool:
        return self.contact.is_on_hold(self.today)

    @property
    def check_in_overdue(self) -> bool:
        return self.next_check_in_due is not None and self.next_check_in_due < self.today


def _monthly_counts(user, contact: Contact, since: datetime, preferences: Preferences):
    """One query: interactions per (month, value) since `since`, months in the user's
    zone. Gives the sparkline and the 12-month give/ask balance together."""
    rows = (
        Interaction.objects.for_user(user)
        .filter(contact=contact, occurred_at__gte=since)
        .annotate(month=TruncMonth("occurred_at", tzinfo=preferences.tz))
        .values("month", "value")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_month: dict[date, int] = {}
    gives = asks = 0
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, datetime) else month
        per_month[month] = per_month.get(month, 0) + row["n"]
        if row["value"] == Value.GIVE:
            gives += row["n"]
        elif row["value"] == Value.ASK:
            asks += row["n"]
    return per_month, GiveAskBalance(gives=gives, asks=asks)


def contact_page(user, pk: int, *, now: datetime) -> ContactPage:
    """Everything the contact page shows, in a fixed number of queries (the contact,
    its interests, timeline, monthly counts, follow-ups, commitments, connections,
    events, preferences) whatever the size of the network. Raises Http404 for another
    user's id."""
    from contacts.ownership import get_owned_or_404

    contact = get_owned_or_404(
        Contact.objects.select_related("met_at_event").prefetch_related("interests"),
        user,
        pk=pk,
    )
    preferences = Preferences.for_user(user)
    today = preferences.local_today(now)
    first_month = month_starts(today, RHYTHM_MONTHS)[0]
    since = datetime.combine(first_month, time.min, tzinfo=preferences.tz)
    per_month, give_ask = _monthly_counts(user, contact, since, preferences)

    # One row more than shown tells whether there is more to see.
    interactions = list(
        Interaction.objects.for_user(user)
        .filter(contact=contact)
        .select_related("event", "resource")
        .order_by("-occurred_at", "-id")[: TIMELINE_LIMIT + 1]
    )
    followups = list(
        FollowUp.objects.for_user(user)
        .filter(contact=contact, status__in=[FollowUpStatus.OPEN, FollowUpStatus.SNOOZED])
        .select_related("resource", "commitment")
        .order_by("due_on", "id")
    )
    commitments = list(
        Commitment.objects.for_user(user)
        .filter(contact=contact, status=CommitmentStatus.OPEN)
        .order_by(F("due_on").asc(nulls_last=True), "id")
    )
    connections = []
    for link in (
        Connection.objects.for_user(user)
        .filter(Q(from_contact=contact) | Q(to_contact=contact))
        .select_related("from_contact", "to_contact")
        .order_by("-created_at", "-id")
    ):
        if link.from_contact_id == contact.pk:
            connections.append((link.get_kind_display(), link.to_contact, link))
        else:
            connections.append((_reverse_kind(link), link.from_contact, link))
    attendances = list(
        Attendance.objects.for_user(user)
        .filter(contact=contact)
        .select_related("event")
        .order_by(F("event__starts_on").desc(nulls_last=True), "id")
    )
    # The rules keep last_two_way_at; until they have run, the timeline tells.
    last_conversation_at = contact.last_two_way_at or next(
        (i.occurred_at for i in interactions if i.is_two_way), None
    )
    cadence_days = contact.effective_cadence_days(preferences)
    next_check_in_due = (
        (last_conversation_at.astimezone(preferences.tz).date() + timedelta(days=cadence_days))
        if last_conversation_at
        else None
    )
    return ContactPage(
        contact=contact,
        today=today,
        preferences=preferences,
        interactions=interactions[:TIMELINE_LIMIT],
        has_more_interactions=len(interactions) > TIMELINE_LIMIT,
        followups=followups,
        commitments=commitments,
        connections=connections,
        attendances=attendances,
        rhythm=build_rhythm(per_month, today),
        give_ask=give_ask,
        last_conversation_at=last_conversation_at,
        next_check_in_due=next_check_in_due,
        cadence_days=cadence_days,
        interests=list(contact.interests.all()),
    )


REVERSE_KINDS = {
    "introduced_by": "Introduced to",
    "introduced": "Introduced by me to",
    "mentor": "Mentored by",
}


def _reverse_kind(link: Connection) -> str:
    """How a connection reads from its other end ("A mentor of B" → "B mentored by A")."""
    return REVERSE_KINDS.get(link.kind, link.get_kind_display())


def contacts_for_choice(user, *, exclude: Contact | None = None) -> QuerySet:
    """The user's active contacts, for a select list (introduce, merge)."""
    queryset = Contact.objects.for_user(user).active().order_by("last_name", "first_name", "id")
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude.pk)
    return queryset
