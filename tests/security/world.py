"""One of every owned object for a user, all with the same primary key, so that any URL
taking an object id can be pointed at another user's object whatever model it names."""

from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.db import models
from django.utils import timezone

from contacts.models import (
    ColumnMapping,
    Connection,
    ConnectionKind,
    Contact,
    ContactMerge,
    ImportBatch,
    ImportedRecord,
    Topic,
)
from followups.models import (
    Commitment,
    DigestDelivery,
    FollowUp,
    FollowUpKind,
    QuietPeriod,
    Resource,
)
from interactions.choices import Channel, Direction
from interactions.models import Attendance, Event, Interaction, MessageTemplate

VICTIM_PK = 900_001
SECOND_PK = 900_002
# Script and markup in every free-text field: pages and emails must render it inert.
PAYLOAD = "<script>alert('x')</script><img src=x onerror=alert(1)>\"'&{{7*7}}"


@dataclass
class World:
    contact: Contact
    other_contact: Contact


def build_world(user, *, text: str = "Text") -> World:
    now = timezone.now()
    today = timezone.localdate()
    topic = Topic.objects.create(pk=VICTIM_PK, owner=user, name=f"{text} topic")
    contact = Contact.objects.create(
        pk=VICTIM_PK,
        owner=user,
        first_name=text,
        last_name=f"{text} Last",
        honorific="Dr.",
        credentials=text[:80],
        title=text,
        specialty=text,
        institution=text,
        city=text,
        email="victim@example.org",
        phone="+1 514 555 0100",
        availability_notes=text,
        boundary_notes=text,
        how_we_met=text,
        research_interests=text,
        recent_work=text,
        notes=text,
        confidential_notes=f"CONFIDENTIAL {text}",
        assistant=text,
    )
    contact.interests.set([topic])
    other = Contact.objects.create(
        pk=SECOND_PK,
        owner=user,
        first_name=f"{text} Second",
        last_name="Person",
        email="second@example.org",
    )
    event = Event.objects.create(
        pk=VICTIM_PK,
        owner=user,
        name=text,
        location=text,
        goals=text,
        starts_on=today + timedelta(days=5),
        ends_on=today + timedelta(days=6),
    )
    Attendance.objects.create(
        pk=VICTIM_PK,
        owner=user,
        event=event,
        contact=contact,
        is_target=True,
        goals=text,
        talking_points=text,
    )
    Connection.objects.create(
        pk=VICTIM_PK,
        owner=user,
        from_contact=contact,
        to_contact=other,
        kind=ConnectionKind.COLLEAGUE,
        note=text,
    )
    resource = Resource.objects.create(
        pk=VICTIM_PK, owner=user, title=text, summary=text, url="https://example.org/a"
    )
    resource.topics.set([topic])
    interaction = Interaction.objects.create(
        pk=VICTIM_PK,
        owner=user,
        contact=contact,
        occurred_at=now - timedelta(days=1),
        channel=Channel.IN_PERSON,
        direction=Direction.MUTUAL,
        summary=text,
        event=event,
    )
    commitment = Commitment.objects.create(
        pk=VICTIM_PK,
        owner=user,
        contact=contact,
        description=text[:300],
        promised_on=today,
        due_on=today + timedelta(days=3),
        source_interaction=interaction,
    )
    FollowUp.objects.create(
        pk=VICTIM_PK,
        owner=user,
        contact=contact,
        kind=FollowUpKind.THANK_YOU,
        reason=text[:300],
        due_on=today,
        source_interaction=interaction,
        dedupe_key="world:thank_you",
    )
    FollowUp.objects.create(
        pk=SECOND_PK,
        owner=user,
        contact=contact,
        kind=FollowUpKind.COMMITMENT,
        reason=text[:300],
        due_on=today,
        commitment=commitment,
        dedupe_key="world:commitment",
    )
    QuietPeriod.objects.create(
        pk=VICTIM_PK,
        owner=user,
        contact=contact,
        starts_on=today + timedelta(days=30),
        ends_on=today + timedelta(days=31),
        reason=text[:200],
    )
    MessageTemplate.objects.create(
        pk=VICTIM_PK,
        owner=user,
        name=text[:120],
        purpose="thank_you",
        subject=text[:200],
        body=text,
    )
    batch = ImportBatch.objects.create(
        pk=VICTIM_PK,
        owner=user,
        created_by=user,
        event=event,
        file_name=f"{text}.csv"[:255],
        status="committed",
    )
    ImportedRecord.objects.create(pk=VICTIM_PK, batch=batch, contact=other, action="created")
    ColumnMapping.objects.create(pk=VICTIM_PK, owner=user, header_signature="x" * 64)
    ContactMerge.objects.create(
        pk=VICTIM_PK, owner=user, kept=contact, merged_name=text[:300], merged_data={"n": text}
    )
    DigestDelivery.objects.create(pk=VICTIM_PK, user=user, local_date=today)
    return World(contact=contact, other_contact=other)


def owned_models() -> list[type[models.Model]]:
    """Every model of ours with an owner (or a user) column."""
    found = []
    for config in apps.get_app_configs():
        if config.name not in {"contacts", "interactions", "followups"}:
            continue
        for model in config.get_models():
            names = {f.name for f in model._meta.get_fields()}
            if "owner" in names or "user" in names:
                found.append(model)
    return found


def fingerprint(user) -> dict:
    """Everything the user owns, as plain values: equal before and after means nothing
    changed."""
    snapshot = {}
    for model in owned_models():
        field = "owner" if any(f.name == "owner" for f in model._meta.get_fields()) else "user"
        rows = model._default_manager.filter(**{field: user}).order_by("pk").values()
        snapshot[model._meta.label] = [
            {k: v for k, v in row.items() if k not in {"updated_at"}} for row in rows
        ]
    for record in ImportedRecord.objects.filter(batch__owner=user).values():
        snapshot.setdefault("contacts.ImportedRecord", []).append(record)
    snapshot["interests"] = sorted(
        Contact.interests.through.objects.filter(contact__owner=user).values_list(
            "contact_id", "topic_id"
        )
    )
    return snapshot
