"""Today's list: what the dashboard and the daily email both show. Reads only; the
rules (followups.rules) decide what is in it."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, OuterRef, Q, Subquery

from contacts.models import Contact
from followups.models import Commitment, FollowUp, FollowUpKind, FollowUpStatus, Resource
from interactions.models import Event

# Sections in the order the user sees them; each follow-up kind belongs to one.
SECTIONS: list[tuple[str, str]] = [
    ("promises", "Promises due or overdue"),
    ("thank_yous", "Thank-yous due"),
    ("replies", "Replies owed"),
    ("shares", "Articles to share"),
    ("check_ins", "Check-ins for relationships going stale"),
]
KIND_SECTION = {
    FollowUpKind.COMMITMENT: "promises",
    FollowUpKind.NUDGE: "promises",
    FollowUpKind.THANK_YOU: "thank_yous",
    FollowUpKind.REPLY: "replies",
    FollowUpKind.SHARE: "shares",
    FollowUpKind.CHECK_IN: "check_ins",
    FollowUpKind.INTRO_CHECK: "check_ins",
}
SECTION_RANK = {key: rank for rank, (key, _) in enumerate(SECTIONS)}
# How far ahead the list looks: things due within the week are "soon".
HORIZON_DAYS = 7
UPCOMING_EVENT_DAYS = 30


def urgency(due_on: date, today: date) -> str:
    if due_on < today:
        return "overdue"
    if due_on == today:
        return "today"
    return "soon"


def due_in_words(due_on: date, today: date) -> str:
    """“3 days overdue”, “due today”, “due tomorrow”, “due Friday”, “due 12 Mar”."""
    days = (due_on - today).days
    if days < -1:
        return f"{-days} days overdue"
    if days == -1:
        return "due yesterday"
    if days == 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    if days < 7:
        return f"due {due_on:%A}"
    return f"due {due_on.day} {due_on:%b}"


def followup_phrase(followup: FollowUp) -> str:
    """A few words for one follow-up, so several can be joined in one row."""
    kind = followup.kind
    if kind == FollowUpKind.THANK_YOU:
        return "a thank-you"
    if kind == FollowUpKind.SHARE and followup.resource is not None:
        return f"share “{followup.resource.title}”"
    if kind == FollowUpKind.COMMITMENT and followup.commitment is not None:
        return f"your promise: {followup.commitment.description}"
    if kind == FollowUpKind.NUDGE and followup.commitment is not None:
        return f"their promise: {followup.commitment.description}"
    if kind == FollowUpKind.REPLY:
        return "a reply"
    if kind == FollowUpKind.CHECK_IN:
        return "a check-in"
    if kind == FollowUpKind.INTRO_CHECK:
        return "ask how the introduction went"
    return followup.get_kind_display().lower()


def join_phrases(phrases: list[str]) -> str:
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


@dataclass
class AgendaRow:
    """One person, with every reason to reach out to them today."""

    contact: Contact
    followups: list[FollowUp]
    section: str
    due_on: date
    urgency: str
    due_words: str = ""

    @property
    def kinds(self) -> set[str]:
        return {f.kind for f in self.followups}

    @property
    def can_log_outbound(self) -> bool:
        """Rows whose “done” is a message you sent: offer to log it in the same step."""
        return bool(self.kinds & {FollowUpKind.THANK_YOU, FollowUpKind.SHARE})

    @property
    def headline(self) -> str:
        text = join_phrases([followup_phrase(f) for f in self.followups])
        return text[:1].upper() + text[1:]

    @property
    def reasons(self) -> list[str]:
        return [f.reason for f in self.followups]

    @property
    def followup_ids(self) -> list[int]:
        return [f.pk for f in self.followups]


@dataclass
class AgendaSection:
    """Every row of a section, in order; `shown` are the ones a page renders first
    (the most urgent `limit`), so that the dashboard's cost does not grow with the list."""

    key: str
    title: str
    rows: list[AgendaRow] = field(default_factory=list)
    limit: int | None = None

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def shown(self) -> list[AgendaRow]:
        return self.rows if self.limit is None else self.rows[: self.limit]

    @property
    def hidden_count(self) -> int:
        return self.count - len(self.shown)


@dataclass
class Agenda:
    today: date
    sections: list[AgendaSection]
    events: list[Event]

    @property
    def total(self) -> int:
        return sum(section.count for section in self.sections)

    @property
    def is_empty(self) -> bool:
        return self.total == 0 and not self.events

    def section(self, key: str) -> AgendaSection | None:
        return next((s for s in self.sections if s.key == key), None)

    def row_for(self, contact_id: int) -> AgendaRow | None:
        for section in self.sections:
            for row in section.rows:
                if row.contact.pk == contact_id:
                    return row
        return None


def agenda_followups(user, today: date):
    """Open follow-ups due within the horizon, and snoozes that ran out, for reachable
    contacts. One query, with everything a row shows: the resource's title and url and
    the promise's text come as subqueries on their primary keys rather than LEFT JOINs,
    which PostgreSQL answers by hashing the whole resource and commitment tables (every
    user's rows) once the list is long. `with_related` turns them into the usual
    `followup.resource` and `followup.commitment`."""
    resource = Resource.objects.filter(pk=OuterRef("resource_id"))
    commitment = Commitment.objects.filter(pk=OuterRef("commitment_id"))
    return (
        FollowUp.objects.for_user(user)
        .filter(
            Q(status=FollowUpStatus.OPEN, due_on__lte=today + timedelta(days=HORIZON_DAYS))
            | Q(status=FollowUpStatus.SNOOZED, snoozed_until__lte=today)
        )
        .filter(contact__archived_at__isnull=True, contact__do_not_contact=False)
        .select_related("contact")
        .annotate(
            agenda_resource_title=Subquery(resource.values("title")),
            agenda_resource_url=Subquery(resource.values("url")),
            agenda_commitment_description=Subquery(commitment.values("description")),
        )
        .order_by("due_on", "id")
    )


def with_related(followup: FollowUp) -> FollowUp:
    """Attach the resource and commitment read by `agenda_followups` as model instances
    holding those fields (any other field loads on access, as a deferred field does)."""
    db = followup._state.db or DEFAULT_DB_ALIAS
    if followup.resource_id is not None and not FollowUp.resource.is_cached(followup):
        followup.resource = Resource.from_db(
            db,
            ["id", "title", "url"],
            [followup.resource_id, followup.agenda_resource_title, followup.agenda_resource_url],
        )
    if followup.commitment_id is not None and not FollowUp.commitment.is_cached(followup):
        followup.commitment = Commitment.from_db(
            db,
            ["id", "description"],
            [followup.commitment_id, followup.agenda_commitment_description],
        )
    return followup


def upcoming_events(user, today: date):
    """Events starting within a month, with how far preparation has got."""
    return (
        Event.objects.for_user(user)
        .filter(starts_on__gte=today, starts_on__lte=today + timedelta(days=UPCOMING_EVENT_DAYS))
        .annotate(
            attendee_count=Count("attendances", distinct=True),
            target_count=Count("attendances", filter=Q(attendances__is_target=True), distinct=True),
            prepared_count=Count(
                "attendances",
                filter=Q(attendances__is_target=True) & ~Q(attendances__talking_points=""),
                distinct=True,
            ),
        )
        .order_by("starts_on", "id")
    )


def group_into_rows(followups, today: date) -> list[AgendaRow]:
    """Collapse several follow-ups for one person into one row, placed in the section
    of its most pressing follow-up."""
    by_contact: dict[int, list[FollowUp]] = {}
    for followup in followups:
        by_contact.setdefault(followup.contact_id, []).append(with_related(followup))
    rows = []
    for items in by_contact.values():
        items.sort(key=lambda f: (f.effective_due_on(), SECTION_RANK[KIND_SECTION[f.kind]], f.pk))
        lead = items[0]
        due_on = lead.effective_due_on()
        rows.append(
            AgendaRow(
                contact=lead.contact,
                followups=items,
                section=KIND_SECTION[lead.kind],
                due_on=due_on,
                urgency=urgency(due_on, today),
                due_words=due_in_words(due_on, today),
            )
        )
    rows.sort(key=lambda r: (r.due_on, r.contact.last_name, r.contact.first_name, r.contact.pk))
    return rows


def build_agenda(user, *, today: date, limit: int | None = None) -> Agenda:
    """Today's list for one user: overdue first, then due today, then soon. Two queries
    whatever the size of the network. With a `limit`, each section shows its most urgent
    rows first (`section.shown`) while its count stays exact."""
    sections = {key: AgendaSection(key=key, title=title, limit=limit) for key, title in SECTIONS}
    for row in group_into_rows(agenda_followups(user, today), today):
        sections[row.section].rows.append(row)
    return Agenda(
        today=today,
        sections=list(sections.values()),
        events=list(upcoming_events(user, today)),
    )
