"""What makes a message to one contact personal, gathered from the database once per
draft: the checks and the templates read these, never the models."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Max, Q
from django.utils import timezone

from contacts.models import Connection, Contact
from followups.models import (
    Commitment,
    CommitmentDirection,
    CommitmentStatus,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Preferences,
    Resource,
)
from followups.rules.reciprocity import RECIPROCITY_DAYS, give_ask_balance
from interactions.choices import Direction, Value
from interactions.drafting.text import mentions
from interactions.models import Interaction

BALANCE_WINDOW = timedelta(days=RECIPROCITY_DAYS)


@dataclass(frozen=True)
class Fact:
    """One personal fact: `key` names the placeholder family, `label` is for people."""

    key: str
    label: str
    value: str
    is_name: bool = False


@dataclass
class Facts:
    contact: Contact
    interests: list[str] = field(default_factory=list)
    research_interests: str = ""
    recent_work: str = ""
    how_we_met: str = ""
    met_at_event: str = ""
    mutual_connections: list[str] = field(default_factory=list)
    last_discussed: str = ""
    last_discussed_on: date | None = None
    open_promises: list[str] = field(default_factory=list)
    article: Resource | None = None
    article_reason: str = ""
    gives: int = 0
    asks: int = 0
    interaction_count: int = 0
    last_outreach_at: datetime | None = None
    unanswered: int = 0
    min_outreach_gap_days: int = 14
    unanswered_limit: int = 2
    today: date | None = None

    @property
    def is_first_message(self) -> bool:
        return self.interaction_count == 0

    def personal(self) -> list[Fact]:
        """Every fact a message can mention to show it was written for this person."""
        c = self.contact
        items = [Fact("interest", "Shared interest", name) for name in self.interests]
        if self.research_interests:
            items.append(Fact("research_interests", "Research interests", self.research_interests))
        if self.recent_work:
            items.append(Fact("recent_work", "Recent work or talk", self.recent_work))
        if self.how_we_met:
            items.append(Fact("how_we_met", "How you met", self.how_we_met))
        if self.met_at_event:
            items.append(Fact("event", "Met at", self.met_at_event))
        items += [
            Fact("mutual_connection", "Mutual connection", n, is_name=True)
            for n in self.mutual_connections
        ]
        if self.last_discussed:
            items.append(Fact("last_discussed", "Last discussed", self.last_discussed))
        items += [Fact("promise", "Open promise", p) for p in self.open_promises]
        if self.article is not None:
            items.append(Fact("article_title", "Article to share", self.article.title))
        if c.specialty:
            items.append(Fact("specialty", "Specialty", c.specialty))
        if c.institution:
            items.append(Fact("institution", "Institution", c.institution))
        return items


def give_ask_counts(contact: Contact, *, now: datetime | None = None) -> tuple[int, int]:
    """(gives, asks) with `contact` over the reciprocity window, through the engine's
    shared followups.rules.reciprocity (gather_facts counts the same window in its one
    statistics query)."""
    balance = give_ask_balance(contact, now=now)
    return balance.gives, balance.asks


def _article_reason(resource: Resource, interests: list[str]) -> str:
    topics = [t.name for t in resource.topics.all()]
    shared = [t for t in topics if any(t.lower() == i.lower() for i in interests)]
    if not shared:
        text = f"{resource.title} {resource.summary}"
        shared = [i for i in interests if mentions(i, text)]
    if shared:
        return f"it is about {' and '.join(shared[:2])}, which you care about"
    return ""


def gather_facts(
    contact: Contact, *, followup: FollowUp | None = None, now: datetime | None = None
) -> Facts:
    """Read everything the checks and templates need about `contact` (a handful of
    queries, independent of how much history there is)."""
    now = now or timezone.now()
    owner = contact.owner
    preferences = Preferences.for_user(owner)
    interests = list(contact.interests.values_list("name", flat=True))

    mutual = []
    connections = (
        Connection.objects.for_user(owner)
        .filter(Q(from_contact=contact) | Q(to_contact=contact))
        .select_related("from_contact", "to_contact")
        .order_by("created_at")
    )
    for connection in connections:
        other = (
            connection.to_contact
            if connection.from_contact_id == contact.pk
            else connection.from_contact
        )
        name = other.full_name or other.email
        if name not in mutual:
            mutual.append(name)

    history = Interaction.objects.for_user(owner).filter(contact=contact)
    stats = history.aggregate(
        total=Count("id"),
        gives=Count("id", filter=Q(value=Value.GIVE, occurred_at__gte=now - BALANCE_WINDOW)),
        asks=Count("id", filter=Q(value=Value.ASK, occurred_at__gte=now - BALANCE_WINDOW)),
        last_outreach=Max("occurred_at", filter=Q(direction=Direction.OUTBOUND)),
        last_two_way=Max(
            "occurred_at", filter=Q(direction__in=[Direction.INBOUND, Direction.MUTUAL])
        ),
    )
    unanswered = 0
    if stats["last_outreach"] is not None:
        waiting = history.filter(direction=Direction.OUTBOUND, awaiting_reply=True)
        if stats["last_two_way"] is not None:
            waiting = waiting.filter(occurred_at__gt=stats["last_two_way"])
        unanswered = waiting.count()
    latest = history.exclude(summary="").only("summary", "occurred_at").first()

    promises = list(
        Commitment.objects.for_user(owner)
        .filter(contact=contact, status=CommitmentStatus.OPEN, direction=CommitmentDirection.I_OWE)
        .values_list("description", flat=True)
    )

    share = followup if followup is not None and followup.resource_id else None
    if share is None:
        share = (
            FollowUp.objects.for_user(owner)
            .filter(contact=contact, kind=FollowUpKind.SHARE, status=FollowUpStatus.OPEN)
            .exclude(resource=None)
            .select_related("resource")
            .order_by("due_on", "id")
            .first()
        )
    article = share.resource if share is not None else None

    event = contact.met_at_event.name if contact.met_at_event_id else ""
    return Facts(
        contact=contact,
        interests=interests,
        research_interests=contact.research_interests.strip(),
        recent_work=contact.recent_work.strip(),
        how_we_met=contact.how_we_met.strip(),
        met_at_event=event,
        mutual_connections=mutual,
        last_discussed=latest.summary.strip() if latest else "",
        last_discussed_on=latest.occurred_at.date() if latest else None,
        open_promises=promises,
        article=article,
        article_reason=_article_reason(article, interests) if article else "",
        gives=stats["gives"],
        asks=stats["asks"],
        interaction_count=stats["total"],
        last_outreach_at=stats["last_outreach"],
        unanswered=unanswered,
        min_outreach_gap_days=preferences.min_outreach_gap_days,
        unanswered_limit=preferences.unanswered_limit,
        today=preferences.local_today(now),
    )
