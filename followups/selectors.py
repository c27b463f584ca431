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
KIND_RANK = {kind: SECTION_RANK[section] for kind, section in KIND_SECTION.items()}
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
    """A section of today's list. `count` is every person in it; `rows` are the ones
    loaded for display (all of them unless the caller asked for a window), so that a
    page's cost does not grow with the list."""

    key: str
    title: str
    rows: list[AgendaRow] = field(default_factory=list)
    limit: int | None = None
    count: int = 0

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


def actionable_for_agenda(user, today: date):
    """Open follow-ups due within the horizon, and snoozes that ran out, for reachable
    contacts."""
    return (
        FollowUp.objects.for_user(user)
        .filter(
            Q(status=FollowUpStatus.OPEN, due_on__lte=today + timedelta(days=HORIZON_DAYS))
            | Q(status=FollowUpStatus.SNOOZED, snoozed_until__lte=today)
        )
        # contact__owner repeats what owner implies, so that PostgreSQL reads only this
        # user's contacts (owner index) instead of scanning everyone's for the join.
        .filter(contact__owner=user, contact__archived_at__isnull=True)
        .filter(contact__do_not_contact=False)
    )


def agenda_followups(user, today: date):
    """`actionable_for_agenda` with everything a row shows: the resource's title and url
    and the promise's text come as subqueries on their primary keys rather than LEFT
    JOINs, which PostgreSQL answers by hashing the whole resource and commitment tables
    (every user's rows) once the list is long. `with_related` turns them into the usual
    `followup.resource` and `followup.commitment`."""
    resource = Resource.objects.filter(pk=OuterRef("resource_id"))
    commitment = Commitment.objects.filter(pk=OuterRef("commitment_id"))
    return (
        actionable_for_agenda(user, today)
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


@dataclass(frozen=True)
class PlannedRow:
    """One person's place in the list, worked out from a few columns per follow-up."""

    contact_id: int
    followup_ids: tuple[int, ...]
    section: str
    due_on: date


def plan_rows(user, today: date) -> list[PlannedRow]:
    """Every row of today's list, in order, from one light query (plain tuples, no model
    instances): one person per row, in the section of their most pressing follow-up."""
    by_contact: dict[int, list[tuple]] = {}
    names: dict[int, tuple[str, str]] = {}
    columns = actionable_for_agenda(user, today).order_by().values_list(
        "pk", "contact_id", "kind", "due_on", "status", "snoozed_until",
        "contact__last_name", "contact__first_name",
    )  # fmt: skip
    snoozed = FollowUpStatus.SNOOZED
    for pk, contact_id, kind, due_on, status, snoozed_until, last, first in columns:
        effective = snoozed_until if status == snoozed and snoozed_until else due_on
        items = by_contact.get(contact_id)
        if items is None:
            items = by_contact[contact_id] = []
            names[contact_id] = (last, first)
        items.append((effective, KIND_RANK[kind], pk, kind))
    ordered = []
    for contact_id, items in by_contact.items():
        items.sort()
        due_on, _, _, lead_kind = items[0]
        row = PlannedRow(
            contact_id=contact_id,
            followup_ids=tuple(item[2] for item in items),
            section=KIND_SECTION[lead_kind],
            due_on=due_on,
        )
        ordered.append((due_on, *names[contact_id], contact_id, row))
    ordered.sort(key=lambda entry: entry[:4])
    return [entry[4] for entry in ordered]


def load_rows(user, today: date, planned: list[PlannedRow]) -> list[AgendaRow]:
    """The full rows (contact, follow-ups with their article and promise) for `planned`,
    in the same order: one query."""
    if not planned:
        return []
    wanted = [pk for row in planned for pk in row.followup_ids]
    loaded = {f.pk: with_related(f) for f in agenda_followups(user, today).filter(pk__in=wanted)}
    rows = []
    for plan in planned:
        followups = [loaded[pk] for pk in plan.followup_ids if pk in loaded]
        if not followups:
            continue
        rows.append(
            AgendaRow(
                contact=followups[0].contact,
                followups=followups,
                section=plan.section,
                due_on=plan.due_on,
                urgency=urgency(plan.due_on, today),
                due_words=due_in_words(plan.due_on, today),
            )
        )
    return rows


def build_agenda(
    user,
    *,
    today: date,
    limit: int | None = None,
    window: tuple[str, int, int] | None = None,
    contact_id: int | None = None,
) -> Agenda:
    """Today's list for one user: overdue first, then due today, then soon. Three queries
    whatever the size of the network: plan every row, load the ones to show, events.

    Every section's `count` is exact. Which rows are loaded: all of them by default (the
    daily email); with `limit`, each section's most urgent `limit`; with
    `window=(section, start, size)`, that slice of one section; with `contact_id`, also
    that person's row (to redraw it after an action)."""
    sections = {key: AgendaSection(key=key, title=title, limit=limit) for key, title in SECTIONS}
    planned = plan_rows(user, today)
    by_section: dict[str, list[PlannedRow]] = {key: [] for key in sections}
    for plan in planned:
        by_section[plan.section].append(plan)
    wanted: list[PlannedRow] = []
    for key, plans in by_section.items():
        sections[key].count = len(plans)
        if window is not None:
            name, start, size = window
            chosen = plans[start : start + size] if key == name else []
        elif limit is not None:
            chosen = plans[:limit]
        else:
            chosen = plans
        if contact_id is not None:
            chosen = chosen + [p for p in plans if p.contact_id == contact_id and p not in chosen]
        wanted.extend(chosen)
    for row in load_rows(user, today, wanted):
        sections[row.section].rows.append(row)
    return Agenda(
        today=today,
        sections=list(sections.values()),
        events=list(upcoming_events(user, today)),
    )
