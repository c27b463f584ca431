"""The benchmark dataset (`seed_demo --benchmark`): one heavy user, `demo`, with 5,000
contacts, 50,000 interactions, 2,000 open follow-ups, 500 commitments and 20 events of
300 attendees, and 500 other users (`demo2` … `demo501`) with 100 contacts each.

Set-based: rows are built in Python from one seeded random generator and written with
bulk_create in chunks, so the whole set takes seconds, not minutes. Same seed and same
clock, same data. The users' denormalized fields (last_two_way_at, last_outreach_at)
are filled as interaction_log would have left them."""

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from contacts.demo import (
    AVAILABILITY,
    FIRST_NAMES,
    INSTITUTIONS,
    LAST_NAMES,
    RESOURCES,
    SPECIALTIES,
    SUMMARIES,
    TITLES,
    TOPICS,
)
from contacts.models import Contact, Tier, Topic
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
from interactions.choices import Channel, Direction, Purpose, Value, ValueKind
from interactions.models import Attendance, AttendanceRole, Event, EventKind, Interaction

CHUNK = 5_000


@dataclass(frozen=True)
class Profile:
    heavy_contacts: int = 5_000
    heavy_interactions: int = 50_000
    heavy_open_followups: int = 2_000
    heavy_commitments: int = 500
    heavy_events: int = 20
    attendees_per_event: int = 300
    other_users: int = 500
    other_contacts: int = 100
    other_interactions: int = 200
    other_open_followups: int = 10
    other_commitments: int = 5


BENCHMARK = Profile()
# Time zones whose local hour is past the default digest hour (7) at 20:00 UTC, so that a
# digest run at that time has every user due.
TIME_ZONES = ["America/Toronto", "America/Vancouver", "America/Chicago", "America/Halifax"]
TWO_WAY = {Direction.INBOUND, Direction.MUTUAL}


@dataclass
class BenchmarkResult:
    users: int
    contacts: int
    interactions: int
    followups: int


class _Writer:
    """Collects rows per model and writes them with bulk_create every CHUNK rows."""

    def __init__(self) -> None:
        self.pending: dict[type, list] = {}
        self.written: dict[type, int] = {}

    def add(self, obj) -> None:
        rows = self.pending.setdefault(type(obj), [])
        rows.append(obj)
        if len(rows) >= CHUNK:
            self.flush(type(obj))

    def add_all(self, objs: Iterable) -> None:
        for obj in objs:
            self.add(obj)

    def flush(self, model: type | None = None) -> None:
        for m in [model] if model else list(self.pending):
            rows = self.pending.pop(m, [])
            if rows:
                m.objects.bulk_create(rows, batch_size=CHUNK)
                self.written[m] = self.written.get(m, 0) + len(rows)


def benchmark_usernames(profile: Profile = BENCHMARK) -> list[str]:
    return ["demo"] + [f"demo{i}" for i in range(2, profile.other_users + 2)]


@transaction.atomic
def seed_benchmark(
    *, seed: int = 1, now: datetime | None = None, profile: Profile = BENCHMARK
) -> BenchmarkResult:
    now = now or timezone.now()
    users = _refresh_users(benchmark_usernames(profile))
    _clear_networks(users)
    writer = _Writer()
    rng = random.Random(seed)
    heavy, others = users[0], users[1:]
    _seed_user(
        writer,
        heavy,
        rng,
        now,
        contacts=profile.heavy_contacts,
        interactions=profile.heavy_interactions,
        followups=profile.heavy_open_followups,
        commitments=profile.heavy_commitments,
        events=profile.heavy_events,
        attendees=profile.attendees_per_event,
    )
    for user in others:
        _seed_user(
            writer,
            user,
            rng,
            now,
            contacts=profile.other_contacts,
            interactions=profile.other_interactions,
            followups=profile.other_open_followups,
            commitments=profile.other_commitments,
            events=1,
            attendees=min(20, profile.other_contacts),
        )
    writer.flush()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return BenchmarkResult(
        users=len(users),
        contacts=Contact.objects.filter(owner__in=users).count(),
        interactions=writer.written.get(Interaction, 0),
        followups=writer.written.get(FollowUp, 0),
    )


def _refresh_users(usernames: list[str]) -> list:
    User = get_user_model()
    password = make_password("demo")  # hashed once: hashing 501 times takes minutes
    existing = {u.username: u for u in User.objects.filter(username__in=usernames)}
    User.objects.bulk_create(
        [
            User(username=name, email=f"{name}@example.com", first_name="Demo", password=password)
            for name in usernames
            if name not in existing
        ],
        batch_size=CHUNK,
    )
    User.objects.filter(username__in=usernames).update(password=password, first_name="Demo")
    by_name = {u.username: u for u in User.objects.filter(username__in=usernames)}
    users = [by_name[name] for name in usernames]
    have_prefs = set(Preferences.objects.filter(user__in=users).values_list("user_id", flat=True))
    Preferences.objects.bulk_create(
        [Preferences(user=u) for u in users if u.pk not in have_prefs], batch_size=CHUNK
    )
    for i, zone in enumerate(TIME_ZONES):
        Preferences.objects.filter(user__in=users[i :: len(TIME_ZONES)]).update(
            time_zone=zone, digest_enabled=True, digest_hour=7
        )
    return users


def _clear_networks(users: list) -> None:
    for model in (FollowUp, Commitment, Interaction, Attendance, Resource, Event, Contact, Topic):
        model.objects.filter(owner__in=users).delete()


def _seed_user(writer: _Writer, user, rng, now, *, contacts, interactions, followups,
               commitments, events, attendees) -> None:  # fmt: skip
    topics = Topic.objects.bulk_create([Topic(owner=user, name=name) for name in TOPICS])
    resources = Resource.objects.bulk_create(
        [
            Resource(owner=user, title=title, url=f"https://example.org/articles/{n}")
            for n, (title, _) in enumerate(RESOURCES, start=1)
        ]
    )
    people = [_contact(user, rng, i) for i in range(contacts)]
    # Plan interactions first, so that contacts carry the dates interaction_log keeps.
    planned = []
    for _ in range(interactions):
        person = rng.randrange(contacts)
        channel = rng.choice(list(Channel))
        direction = (
            Direction.MUTUAL
            if channel in Channel.conversations()
            else rng.choice([Direction.OUTBOUND, Direction.OUTBOUND, Direction.INBOUND])
        )
        when = now - timedelta(days=rng.randint(1, 730), minutes=rng.randrange(600))
        planned.append((person, channel, direction, when))
        contact = people[person]
        if direction in TWO_WAY and (
            contact.last_two_way_at is None or when > contact.last_two_way_at
        ):
            contact.last_two_way_at = when
        if direction != Direction.INBOUND and (
            contact.last_outreach_at is None or when > contact.last_outreach_at
        ):
            contact.last_outreach_at = when
    people = Contact.objects.bulk_create(people, batch_size=CHUNK)
    Through = Contact.interests.through
    writer.add_all(
        Through(contact_id=p.pk, topic_id=t.pk)
        for p in people
        for t in rng.sample(topics, rng.randint(1, 3))
    )
    for person, channel, direction, when in planned:
        value = rng.choice([Value.GIVE, Value.NEUTRAL, Value.NEUTRAL, Value.ASK])
        writer.add(
            Interaction(
                owner=user,
                contact_id=people[person].pk,
                occurred_at=when,
                channel=channel,
                direction=direction,
                purpose=rng.choice([Purpose.FOLLOW_UP, Purpose.CHECK_IN, Purpose.MEETING]),
                summary=SUMMARIES[channel].format(topic=rng.choice(TOPICS)),
                value=value,
                value_kind={
                    Value.GIVE: ValueKind.SHARED_ARTICLE,
                    Value.ASK: ValueKind.REFERRAL_REQUEST,
                }.get(value, ""),
            )
        )
    today = now.date()
    made = []
    for j in range(commitments):
        is_open = j % 5 < 3  # three in five still open
        promised = today - timedelta(days=rng.randint(5, 120))
        due = promised + timedelta(days=rng.randint(3, 60))
        made.append(
            Commitment(
                owner=user,
                contact_id=people[rng.randrange(contacts)].pk,
                direction=CommitmentDirection.I_OWE if j % 4 else CommitmentDirection.THEY_OWE,
                description=rng.choice(
                    ["Send the triage paper", "Share our pilot protocol", "Send the slides"]
                ),
                promised_on=promised,
                due_on=due,
                status=CommitmentStatus.OPEN if is_open else CommitmentStatus.KEPT,
                completed_on=None if is_open else due - timedelta(days=1),
                kept_on_time=None if is_open else True,
            )
        )
    made = Commitment.objects.bulk_create(made, batch_size=CHUNK)
    open_commitments = [c for c in made if c.status == CommitmentStatus.OPEN]
    kinds = [FollowUpKind.CHECK_IN] * 5 + [
        FollowUpKind.THANK_YOU,
        FollowUpKind.REPLY,
        FollowUpKind.SHARE,
        FollowUpKind.COMMITMENT,
    ]
    for j in range(followups):
        kind = rng.choice(kinds)
        commitment = rng.choice(open_commitments) if open_commitments else None
        if kind == FollowUpKind.COMMITMENT and commitment is None:
            kind = FollowUpKind.CHECK_IN
        contact_id = (
            commitment.contact_id
            if kind == FollowUpKind.COMMITMENT
            else people[rng.randrange(contacts)].pk
        )
        writer.add(
            FollowUp(
                owner=user,
                contact_id=contact_id,
                kind=kind,
                reason=f"{FollowUpKind(kind).label} (benchmark data)",
                # Mostly ahead: about one in six is due within the dashboard's week.
                due_on=today + timedelta(days=rng.randint(-14, 120)),
                status=FollowUpStatus.OPEN,
                resource=rng.choice(resources) if kind == FollowUpKind.SHARE else None,
                commitment=commitment if kind == FollowUpKind.COMMITMENT else None,
                dedupe_key=f"bench:{j}",
            )
        )
    for e in range(events):
        starts = today + timedelta(days=rng.randint(-200, 60))
        event = Event.objects.create(
            owner=user,
            name=f"{rng.choice(SPECIALTIES)} Summit {2026 + e // 10} #{e + 1}",
            kind=rng.choice([EventKind.CONFERENCE, EventKind.SYMPOSIUM, EventKind.GRAND_ROUNDS]),
            starts_on=starts,
            ends_on=starts + timedelta(days=rng.randint(0, 3)),
            location=rng.choice(INSTITUTIONS)[1],
        )
        for k, person in enumerate(rng.sample(people, min(attendees, contacts))):
            writer.add(
                Attendance(
                    owner=user,
                    event=event,
                    contact_id=person.pk,
                    role=AttendanceRole.SPEAKER if k < 5 else AttendanceRole.ATTENDEE,
                    is_target=k % 10 == 0,
                    talking_points="Ask about their pilot results." if k % 20 == 0 else "",
                    met=starts < today and k % 7 == 0,
                )
            )


def _contact(user, rng: random.Random, i: int) -> Contact:
    institution, city, country = rng.choice(INSTITUTIONS)
    first = rng.choice(FIRST_NAMES)
    last = rng.choice(LAST_NAMES)
    is_doctor = rng.random() < 0.6
    return Contact(
        owner=user,
        honorific="Dr." if is_doctor else "",
        first_name=first,
        last_name=last,
        credentials="MD" if is_doctor else rng.choice(["RN", "PhD", ""]),
        title=rng.choice(TITLES),
        specialty=rng.choice(SPECIALTIES),
        institution=institution,
        city=city,
        country=country,
        email=f"{first}.{last}.{i}@example.org".lower(),
        preferred_channel=rng.choice([Channel.EMAIL, Channel.LINKEDIN, Channel.CALL]),
        availability_notes=rng.choice(AVAILABILITY),
        tier=rng.choice([Tier.CLOSE, Tier.REGULAR, Tier.REGULAR, Tier.ACQUAINTANCE]),
        do_not_contact=rng.random() < 0.02,
    )
