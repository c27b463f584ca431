"""Deterministic demo and benchmark data: a realistic network for a networker who
works with clinicians and researchers. Same seed and same clock, same data."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from contacts.models import Connection, ConnectionKind, Contact, Tier, Topic
from followups.models import (
    Commitment,
    CommitmentDirection,
    CommitmentStatus,
    Preferences,
    Resource,
    ResourceKind,
)
from interactions.choices import Channel, Direction, Purpose, Value, ValueKind
from interactions.models import Attendance, AttendanceRole, Event, EventKind, Interaction

FIRST_NAMES = [
    "Amara",
    "Yara",
    "Kwame",
    "Beatriz",
    "Adaeze",
    "Ingrid",
    "Oskar",
    "Chiara",
    "Priya",
    "Mateo",
    "Hannah",
    "Tomasz",
    "Leila",
    "Samuel",
    "Mei",
    "Aditya",
    "Sofia",
    "Jonas",
    "Fatima",
    "Noah",
    "Elena",
    "Rafael",
    "Aisha",
    "Lukas",
    "Grace",
    "Ibrahim",
    "Nadia",
    "Daniel",
    "Chloe",
    "Hiroshi",
    "Olivia",
    "Marcus",
    "Ana",
    "Tariq",
    "Julia",
    "Kofi",
    "Ines",
    "Viktor",
    "Rosa",
    "Henrik",
]
LAST_NAMES = [
    "Okafor",
    "Javed",
    "Adeyemi",
    "Siddiqui",
    "Laurent",
    "Boateng",
    "Salem",
    "Rahman",
    "Patel",
    "Alvarez",
    "Fischer",
    "Nowak",
    "Haddad",
    "Mensah",
    "Chen",
    "Sharma",
    "Rossi",
    "Berg",
    "Holm",
    "Tremblay",
    "Petrova",
    "Costa",
    "Bello",
    "Keller",
    "Osei",
    "Nakamura",
    "Moreau",
    "Lindqvist",
    "Kowalski",
    "Ahmed",
    "Silva",
    "Novak",
    "Dubois",
    "Eriksen",
    "Mwangi",
    "Gagnon",
    "Santos",
    "Brennan",
]
SPECIALTIES = [
    "Cardiology",
    "Emergency Medicine",
    "Oncology",
    "Radiology",
    "Pediatrics",
    "Neurology",
    "Family Medicine",
    "Infectious Diseases",
    "Orthopedic Surgery",
    "Nursing Informatics",
    "Geriatrics",
    "Endocrinology",
    "Psychiatry",
    "Dermatology",
    "Public Health",
]
TITLES = [
    "Attending Physician",
    "Associate Professor",
    "Clinical Research Fellow",
    "Medical Director",
    "Chief of Cardiology",
    "Nurse Practitioner",
    "Director of Nursing",
    "Clinical Pharmacist",
    "Resident Physician",
    "Research Scientist",
    "Department Chair",
]
INSTITUTIONS = [
    ("Montreal Heart Institute", "Montreal", "Canada"),
    ("Lakeshore General Hospital", "Pointe-Claire", "Canada"),
    ("Westbury Institute for Neuroscience", "Toronto", "Canada"),
    ("St. Brendan's Regional Hospital", "Halifax", "Canada"),
    ("Northfield University Health Centre", "Boston", "United States"),
    ("Harbourview Rehabilitation Clinic", "Vancouver", "Canada"),
    ("Mount Carroll Children's Hospital", "Chicago", "United States"),
    ("Riverside Cancer Centre", "Ottawa", "Canada"),
]
TOPICS = [
    "remote patient monitoring",
    "heart failure",
    "AI triage",
    "sepsis",
    "medical education",
    "health equity",
    "digital health",
    "clinical trials",
    "palliative care",
    "telemedicine",
    "nurse staffing",
    "antimicrobial stewardship",
    "wearables",
    "quality improvement",
]
AVAILABILITY = [
    "Clinic Mon–Wed; best reached Thursday afternoons",
    "On call every other weekend",
    "Teaching Tuesdays; replies to email in the evening",
    "OR days Monday and Thursday",
    "",
    "",
]
RESOURCES = [
    (
        "Remote monitoring cut heart-failure readmissions by a third",
        ["remote patient monitoring", "heart failure"],
    ),
    ("A practical guide to AI triage in the emergency department", ["AI triage", "digital health"]),
    ("Early sepsis alerts: what the latest trial shows", ["sepsis", "clinical trials"]),
    ("Teaching residents to give feedback that lands", ["medical education"]),
    ("Closing the equity gap in telemedicine access", ["health equity", "telemedicine"]),
    (
        "Stewardship wins in community hospitals",
        ["antimicrobial stewardship", "quality improvement"],
    ),
]
SUMMARIES = {
    Channel.IN_PERSON: "Coffee near the hospital; talked about {topic}.",
    Channel.CONFERENCE: "Met at the poster session; they are working on {topic}.",
    Channel.CALL: "Quick call about {topic} and a possible pilot.",
    Channel.VIDEO: "Video chat about their {topic} project.",
    Channel.EMAIL: "Email about {topic}.",
    Channel.LINKEDIN: "LinkedIn message about {topic}.",
    Channel.MESSAGE: "Text about {topic}.",
}


@dataclass
class SeedResult:
    users: int
    contacts: int
    interactions: int


def _demo_usernames(count: int) -> list[str]:
    return ["demo"] + [f"demo{i}" for i in range(2, count + 1)]


@transaction.atomic
def seed_demo(
    *,
    users: int = 1,
    contacts: int = 40,
    seed: int = 1,
    now: datetime | None = None,
    interactions_per_contact: int = 4,
    set_password: bool = True,
) -> SeedResult:
    """Create or refresh the demo users and give each a network. Existing demo data is
    replaced, so running it twice leaves the same data."""
    now = now or timezone.now()
    User = get_user_model()
    totals = SeedResult(users=0, contacts=0, interactions=0)
    for index, username in enumerate(_demo_usernames(users)):
        user, _ = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.com"}
        )
        user.email = f"{username}@example.com"
        user.first_name = "Demo"
        if set_password:
            user.set_password("demo")
        user.save()
        _clear_network(user)
        prefs = Preferences.for_user(user)
        prefs.time_zone = "America/Toronto"
        prefs.save()
        rng = random.Random(seed * 100_003 + index)
        made = _seed_network(user, rng, contacts, now, interactions_per_contact)
        totals.users += 1
        totals.contacts += contacts
        totals.interactions += made
    return totals


def _clear_network(user) -> None:
    for model in (Interaction, Attendance, Commitment, Connection, Resource, Event, Contact, Topic):
        model.objects.filter(owner=user).delete()


def _seed_network(user, rng: random.Random, count: int, now: datetime, per_contact: int) -> int:
    topics = Topic.objects.bulk_create([Topic(owner=user, name=name) for name in TOPICS])
    people = []
    for i in range(count):
        institution, city, country = rng.choice(INSTITUTIONS)
        first = FIRST_NAMES[(i + rng.randrange(len(FIRST_NAMES))) % len(FIRST_NAMES)]
        last = LAST_NAMES[(i * 7 + rng.randrange(len(LAST_NAMES))) % len(LAST_NAMES)]
        is_doctor = rng.random() < 0.6
        people.append(
            Contact(
                owner=user,
                honorific="Dr." if is_doctor else "",
                first_name=first,
                last_name=last,
                credentials=rng.choice(["MD", "MD, PhD", "MD, FRCPC"])
                if is_doctor
                else rng.choice(["RN", "PhD", "PharmD", ""]),
                title=rng.choice(TITLES),
                specialty=rng.choice(SPECIALTIES),
                institution=institution,
                city=city,
                country=country,
                email=f"{first}.{last}.{i}@example.org".lower(),
                preferred_channel=rng.choice(
                    [Channel.EMAIL, Channel.EMAIL, Channel.LINKEDIN, Channel.CALL]
                ),
                availability_notes=rng.choice(AVAILABILITY),
                tier=rng.choice([Tier.CLOSE, Tier.REGULAR, Tier.REGULAR, Tier.ACQUAINTANCE]),
                how_we_met=rng.choice(
                    [
                        "",
                        "Introduced by a colleague at grand rounds",
                        "Met at the Cardiology Summit",
                        "Sat together at a hospital innovation dinner",
                    ]
                ),
                research_interests=rng.choice(
                    [
                        "",
                        "Outcomes of remote monitoring",
                        "Sepsis prediction models",
                        "Resident well-being",
                    ]
                ),
                recent_work=rng.choice(
                    [
                        "",
                        "Talk on AI triage at the regional ED meeting",
                        "Paper on telemedicine equity in rural clinics",
                        "",
                    ]
                ),
                notes=rng.choice(
                    ["", "Prefers short emails.", "Interested in a pilot next spring."]
                ),
                confidential_notes=rng.choice(
                    ["", "", "Considering leaving her department; keep private."]
                ),
                do_not_contact=rng.random() < 0.03,
            )
        )
    people = Contact.objects.bulk_create(people)
    Through = Contact.interests.through
    Through.objects.bulk_create(
        [
            Through(contact_id=person.pk, topic_id=topic.pk)
            for person in people
            for topic in rng.sample(topics, rng.randint(1, 3))
        ]
    )
    conference = Event.objects.create(
        owner=user,
        name="North American Digital Cardiology Summit",
        kind=EventKind.CONFERENCE,
        starts_on=(now + timedelta(days=12)).date(),
        ends_on=(now + timedelta(days=14)).date(),
        location="Palais des congrès, Montreal",
        goals="Meet three heart-failure clinicians interested in a remote-monitoring pilot.",
    )
    past_event = Event.objects.create(
        owner=user,
        name="Emergency Medicine Innovation Day",
        kind=EventKind.SYMPOSIUM,
        starts_on=(now - timedelta(days=60)).date(),
        ends_on=(now - timedelta(days=60)).date(),
        location="Toronto",
    )
    attending = rng.sample(people, min(len(people), max(3, count // 4)))
    Attendance.objects.bulk_create(
        [
            Attendance(
                owner=user,
                event=conference,
                contact=person,
                role=AttendanceRole.SPEAKER if j < 2 else AttendanceRole.ATTENDEE,
                is_target=j % 3 == 0,
                talking_points="Ask about their remote monitoring results." if j % 3 == 0 else "",
            )
            for j, person in enumerate(attending)
        ]
    )
    interactions = []
    for person in people:
        # A few contacts are brand new: met recently, nothing else yet.
        n = rng.randint(0, per_contact * 2)
        for _ in range(n):
            channel = rng.choice(list(Channel))
            if channel in Channel.conversations():
                direction = Direction.MUTUAL
            else:
                direction = rng.choice([Direction.OUTBOUND, Direction.OUTBOUND, Direction.INBOUND])
            value = rng.choice([Value.GIVE, Value.NEUTRAL, Value.NEUTRAL, Value.ASK])
            interactions.append(
                Interaction(
                    owner=user,
                    contact=person,
                    occurred_at=now - timedelta(days=rng.randint(3, 365), hours=rng.randint(0, 10)),
                    channel=channel,
                    direction=direction,
                    purpose=rng.choice(
                        [Purpose.FOLLOW_UP, Purpose.CHECK_IN, Purpose.MEETING, Purpose.OTHER]
                    ),
                    summary=SUMMARIES[channel].format(topic=rng.choice(TOPICS)),
                    value=value,
                    value_kind={
                        Value.GIVE: ValueKind.SHARED_ARTICLE,
                        Value.ASK: ValueKind.REFERRAL_REQUEST,
                    }.get(value, ""),
                    event=past_event if channel == Channel.CONFERENCE else None,
                )
            )
    # Recent conversations that want a thank-you, and unanswered inbound messages.
    for person in people[:3]:
        interactions.append(
            Interaction(
                owner=user,
                contact=person,
                occurred_at=now - timedelta(hours=20),
                channel=Channel.IN_PERSON,
                direction=Direction.MUTUAL,
                purpose=Purpose.MEETING,
                summary="Lunch after grand rounds; they asked about our sepsis alert data.",
            )
        )
    for person in people[3:5]:
        interactions.append(
            Interaction(
                owner=user,
                contact=person,
                occurred_at=now - timedelta(days=4),
                channel=Channel.EMAIL,
                direction=Direction.INBOUND,
                purpose=Purpose.REQUEST,
                summary="Asked whether we could share the pilot protocol.",
            )
        )
    Interaction.objects.bulk_create(interactions, batch_size=2000)
    commitments = []
    for j, person in enumerate(people[5:11]):
        commitments.append(
            Commitment(
                owner=user,
                contact=person,
                direction=CommitmentDirection.I_OWE if j % 3 else CommitmentDirection.THEY_OWE,
                description=rng.choice(
                    [
                        "Send the triage paper",
                        "Share our pilot protocol",
                        "Introduce them to our data lead",
                        "Send slides from the talk",
                    ]
                ),
                promised_on=(now - timedelta(days=20)).date(),
                due_on=(now + timedelta(days=rng.randint(-10, 10))).date(),
            )
        )
    kept = people[11:14]
    for person in kept:
        commitments.append(
            Commitment(
                owner=user,
                contact=person,
                direction=CommitmentDirection.I_OWE,
                description="Send the conference summary",
                promised_on=(now - timedelta(days=60)).date(),
                due_on=(now - timedelta(days=50)).date(),
                status=CommitmentStatus.KEPT,
                completed_on=(now - timedelta(days=51)).date(),
                kept_on_time=True,
            )
        )
    # A promise made to the user, well past due: the rules turn it into a gentle nudge.
    for person in people[14:15]:
        commitments.append(
            Commitment(
                owner=user,
                contact=person,
                direction=CommitmentDirection.THEY_OWE,
                description="Send me the department's referral guidelines",
                promised_on=(now - timedelta(days=30)).date(),
                due_on=(now - timedelta(days=14)).date(),
            )
        )
    Commitment.objects.bulk_create(commitments)
    if len(people) >= 4:
        Connection.objects.bulk_create(
            [
                Connection(
                    owner=user,
                    from_contact=people[0],
                    to_contact=people[1],
                    kind=ConnectionKind.COLLEAGUE,
                ),
                Connection(
                    owner=user,
                    from_contact=people[2],
                    to_contact=people[3],
                    kind=ConnectionKind.INTRODUCED_BY,
                ),
            ]
        )
    topic_by_name = {t.name: t for t in topics}
    for number, (title, names) in enumerate(RESOURCES, start=1):
        resource = Resource.objects.create(
            owner=user,
            kind=ResourceKind.ARTICLE,
            title=title,
            url=f"https://example.org/articles/{number}",
            summary="Worth a two-minute read.",
        )
        resource.topics.set([topic_by_name[n] for n in names])
    return len(interactions)
