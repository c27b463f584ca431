"""Reads for event preparation: attendees with filters, and what to talk about with
each target. Every function takes the user and reads through `for_user`."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q, QuerySet

from contacts.models import Connection, Contact
from followups.models import Resource
from interactions.models import Attendance, Event, Interaction

IN_NETWORK_YES = "yes"
IN_NETWORK_NO = "no"


@dataclass(frozen=True)
class AttendeeFilters:
    specialty: str = ""
    institution: str = ""
    in_network: str = ""  # "", IN_NETWORK_YES or IN_NETWORK_NO
    targets_only: bool = False

    @property
    def active(self) -> bool:
        return bool(self.specialty or self.institution or self.in_network or self.targets_only)


def event_starts_at(event: Event, tz: ZoneInfo) -> datetime | None:
    """The first moment of the event in the owner's zone (None when it has no date)."""
    if event.starts_on is None:
        return None
    return datetime.combine(event.starts_on, time.min, tzinfo=tz)


def event_has_started(event: Event, today: date) -> bool:
    return event.starts_on is None or event.starts_on <= today


def event_attendances(
    *, user, event: Event, tz: ZoneInfo, filters: AttendeeFilters | None = None
) -> QuerySet[Attendance]:
    """The event's attendances, targets first, each annotated with `in_network`: the
    owner had an interaction with the contact before the event (or, for an undated
    event, one that is not about this event)."""
    earlier = Interaction.objects.for_user(user).filter(contact=OuterRef("contact_id"))
    starts_at = event_starts_at(event, tz)
    if starts_at is None:
        earlier = earlier.exclude(event=event)
    else:
        earlier = earlier.filter(occurred_at__lt=starts_at)
    attendances = (
        Attendance.objects.for_user(user)
        .filter(event=event)
        .select_related("contact")
        .annotate(in_network=Exists(earlier))
        .order_by("-is_target", "contact__last_name", "contact__first_name", "id")
    )
    filters = filters or AttendeeFilters()
    if filters.specialty:
        attendances = attendances.filter(contact__specialty__iexact=filters.specialty)
    if filters.institution:
        attendances = attendances.filter(contact__institution__iexact=filters.institution)
    if filters.in_network == IN_NETWORK_YES:
        attendances = attendances.filter(in_network=True)
    elif filters.in_network == IN_NETWORK_NO:
        attendances = attendances.filter(in_network=False)
    if filters.targets_only:
        attendances = attendances.filter(is_target=True)
    return attendances


def attendee_filter_options(*, user, event: Event) -> dict[str, list[str]]:
    """The specialties and institutions present among the event's attendees (one query)."""
    pairs = (
        Attendance.objects.for_user(user)
        .filter(event=event)
        .values_list("contact__specialty", "contact__institution")
        .distinct()
    )
    specialties: set[str] = set()
    institutions: set[str] = set()
    for specialty, institution in pairs:
        if specialty:
            specialties.add(specialty)
        if institution:
            institutions.add(institution)
    return {
        "specialties": sorted(specialties, key=str.casefold),
        "institutions": sorted(institutions, key=str.casefold),
    }


@dataclass
class Suggestion:
    kind: str  # "resource", "interest", "connection", "recent_work", "research"
    text: str


@dataclass
class TargetPrep:
    """What to talk about with one target: suggestions, and text to prefill the form."""

    attendance: Attendance
    suggestions: list[Suggestion] = field(default_factory=list)
    suggested_goals: str = ""

    @property
    def suggested_talking_points(self) -> str:
        return "\n".join(f"- {s.text}" for s in self.suggestions)

    @property
    def goals_value(self) -> str:
        return self.attendance.goals or self.suggested_goals

    @property
    def talking_points_value(self) -> str:
        return self.attendance.talking_points or self.suggested_talking_points


def target_preps(*, user, event: Event, attendances: list[Attendance]) -> list[TargetPrep]:
    """Suggestions for each attendance, from shared interests (the contact's interests
    that your resources cover) and mutual connections (Connection rows), plus their
    recent work. A constant number of queries, whatever the number of targets."""
    if not attendances:
        return []
    contact_ids = [a.contact_id for a in attendances]

    interests: dict[int, list] = defaultdict(list)
    through = Contact.interests.through.objects.filter(
        contact_id__in=contact_ids, contact__owner=user
    ).select_related("topic")
    for row in through.order_by("topic__name"):
        interests[row.contact_id].append(row.topic)

    topic_ids = {topic.pk for topics in interests.values() for topic in topics}
    resources_by_topic: dict[int, list[Resource]] = defaultdict(list)
    if topic_ids:
        links = (
            Resource.topics.through.objects.filter(topic_id__in=topic_ids, resource__owner=user)
            .select_related("resource")
            .order_by("-resource__created_at", "resource_id")
        )
        for link in links:
            resources_by_topic[link.topic_id].append(link.resource)

    connections: dict[int, list[tuple[Contact, str]]] = defaultdict(list)
    rows = (
        Connection.objects.for_user(user)
        .filter(Q(from_contact_id__in=contact_ids) | Q(to_contact_id__in=contact_ids))
        .select_related("from_contact", "to_contact")
        .order_by("id")
    )
    for connection in rows:
        label = connection.get_kind_display().lower()
        if connection.from_contact_id in contact_ids:
            connections[connection.from_contact_id].append((connection.to_contact, label))
        if connection.to_contact_id in contact_ids:
            connections[connection.to_contact_id].append((connection.from_contact, label))
    attending = set(
        Attendance.objects.for_user(user).filter(event=event).values_list("contact_id", flat=True)
    )

    preps = []
    for attendance in attendances:
        contact = attendance.contact
        prep = TargetPrep(attendance=attendance)
        offered: set[int] = set()
        goals: list[str] = []
        for topic in interests[contact.pk]:
            resource = next((r for r in resources_by_topic[topic.pk] if r.pk not in offered), None)
            if resource is not None:
                offered.add(resource.pk)
                prep.suggestions.append(
                    Suggestion("resource", f"Shared interest: {topic.name} — offer “{resource}”")
                )
                if len(goals) < 1:
                    goals.append(f"Offer to send “{resource}”.")
            else:
                prep.suggestions.append(Suggestion("interest", f"Their interest: {topic.name}"))
        for other, label in connections[contact.pk]:
            here = " (also attending)" if other.pk in attending else ""
            prep.suggestions.append(
                Suggestion("connection", f"Mutual connection: {other.display_name}, {label}{here}")
            )
        if connections[contact.pk]:
            goals.append(
                f"Mention {connections[contact.pk][0][0].display_name}, whom you both know."
            )
        if contact.recent_work:
            prep.suggestions.append(
                Suggestion("recent_work", f"Ask about their recent work: {contact.recent_work}")
            )
        if contact.research_interests:
            prep.suggestions.append(
                Suggestion("research", f"Research interests: {contact.research_interests}")
            )
        if not getattr(attendance, "in_network", True):
            goals.insert(0, "Introduce yourself and learn what they are working on.")
        prep.suggested_goals = " ".join(goals)
        preps.append(prep)
    return preps
