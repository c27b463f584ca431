"""Writes about contacts: create and edit, archive (the soft delete) and its undo,
introductions, merging duplicates, and the list's bulk actions."""

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils import timezone

from contacts.models import Connection, ConnectionKind, Contact, ContactMerge, ImportedRecord, Topic
from followups.models import FollowUp, FollowUpKind, FollowUpStatus
from interactions.choices import Channel, Direction, Purpose, Value, ValueKind
from interactions.models import Attendance

# Fields a person edits on the contact form (and may pick between when merging).
PROFILE_FIELDS = [
    "honorific",
    "first_name",
    "middle_name",
    "last_name",
    "credentials",
    "title",
    "specialty",
    "institution",
    "city",
    "country",
    "email",
    "phone",
    "linkedin_url",
    "website",
    "preferred_channel",
    "availability_notes",
    "boundary_notes",
    "do_not_contact",
    "assistant",
    "how_we_met",
    "met_at_event",
    "research_interests",
    "recent_work",
    "notes",
    "confidential_notes",
    "tier",
    "cadence_days",
]
# Long text where a merge may keep both versions, one after the other.
JOINABLE_FIELDS = {
    "boundary_notes",
    "how_we_met",
    "research_interests",
    "recent_work",
    "notes",
    "confidential_notes",
}


class ContactError(ValueError):
    """A write that would make no sense (merge a contact into itself, introduce a
    person to themselves …); the message is shown to the user."""


def normalize_phone(phone: str) -> str:
    """Digits with a leading + kept, for matching duplicates: "+1 (514) 555-0100" →
    "+15145550100"."""
    digits = re.sub(r"\D", "", phone)
    if not digits:
        return ""
    return ("+" if phone.strip().startswith("+") else "") + digits[:19]


def topics_get_or_create(*, owner, names: Iterable[str]) -> list[Topic]:
    """The owner's topics with these names (case-insensitive), created when new."""
    wanted: dict[str, str] = {}
    for name in names:
        name = " ".join(name.split())[:80]
        if name:
            wanted.setdefault(name.lower(), name)
    if not wanted:
        return []
    existing = {
        topic.name.lower(): topic
        for topic in Topic.objects.for_user(owner).filter(
            Q.create([("name__iexact", n) for n in wanted.values()], connector=Q.OR)
        )
    }
    topics = []
    for key, name in wanted.items():
        topic = existing.get(key) or Topic.objects.create(owner=owner, name=name)
        topics.append(topic)
    return topics


def _apply_fields(contact: Contact, fields: dict) -> None:
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Not contact profile fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.phone_normalized = normalize_phone(contact.phone)
    if contact.met_at_event is not None and contact.met_at_event.owner_id != contact.owner_id:
        raise ContactError("That event belongs to another user.")


@transaction.atomic
def contact_create(*, owner, interest_names: Sequence[str] = (), **fields) -> Contact:
    contact = Contact(owner=owner)
    _apply_fields(contact, fields)
    contact.full_clean(exclude=["owner"])
    contact.save()
    if interest_names:
        contact.interests.set(topics_get_or_create(owner=owner, names=interest_names))
    return contact


@transaction.atomic
def contact_update(
    *, contact: Contact, interest_names: Sequence[str] | None = None, **fields
) -> Contact:
    _apply_fields(contact, fields)
    contact.full_clean(exclude=["owner"])
    contact.save()
    if interest_names is not None:
        contact.interests.set(topics_get_or_create(owner=contact.owner, names=interest_names))
    return contact


def contact_archive(*, contact: Contact, now: datetime | None = None) -> Contact:
    """Archiving is how a contact is deleted: it leaves the list, the dashboard and the
    rules, and comes back intact with contact_unarchive."""
    if contact.archived_at is None:
        contact.archived_at = now or timezone.now()
        contact.save(update_fields=["archived_at", "updated_at"])
    return contact


def contact_unarchive(*, contact: Contact) -> Contact:
    if contact.archived_at is not None:
        contact.archived_at = None
        contact.save(update_fields=["archived_at", "updated_at"])
    return contact


# --- Introductions ---------------------------------------------------------------


@transaction.atomic
def contacts_introduce(
    *,
    owner,
    contact: Contact,
    other: Contact,
    occurred_at: datetime,
    channel: str = Channel.EMAIL,
    note: str = "",
    check_on: date | None = None,
) -> Connection:
    """Introduce two of the owner's contacts: a give to both (one interaction each),
    a Connection between them, and a follow-up to ask `contact` how it went."""
    from interactions.services import interaction_log

    if contact.owner_id != owner.pk or other.owner_id != owner.pk:
        raise ContactError("Both contacts must be yours.")
    if contact.pk == other.pk:
        raise ContactError("Choose two different people to introduce.")
    for person in (contact, other):
        if person.do_not_contact:
            raise ContactError(f"{person} asked not to be contacted.")
        if person.is_archived:
            raise ContactError(f"{person} is archived; restore them first.")
    summary_note = f" {note.strip()}" if note.strip() else ""
    for person, counterpart in ((contact, other), (other, contact)):
        interaction_log(
            owner=owner,
            contact=person,
            occurred_at=occurred_at,
            channel=channel,
            direction=Direction.OUTBOUND,
            purpose=Purpose.INTRODUCTION,
            summary=f"Introduced them to {counterpart.display_name}.{summary_note}",
            value=Value.GIVE,
            value_kind=ValueKind.INTRODUCTION,
        )
    connection, _ = Connection.objects.get_or_create(
        owner=owner,
        from_contact=contact,
        to_contact=other,
        kind=ConnectionKind.INTRODUCED,
        defaults={"note": note.strip()[:300]},
    )
    day = timezone.localdate(occurred_at) if timezone.is_aware(occurred_at) else occurred_at.date()
    FollowUp.objects.get_or_create(
        owner=owner,
        dedupe_key=f"intro_check:{contact.pk}:{other.pk}:{day.isoformat()}",
        defaults={
            "contact": contact,
            "kind": FollowUpKind.INTRO_CHECK,
            "reason": f"You introduced them to {other.display_name}: ask how it went.",
            "due_on": check_on or day + timedelta(days=14),
        },
    )
    return connection


# --- Merging duplicates ----------------------------------------------------------


def merge_candidates(kept: Contact, other: Contact) -> list[str]:
    """The profile fields on which the two contacts differ: the ones to choose."""
    return [
        name
        for name in PROFILE_FIELDS
        if _comparable(getattr(kept, name)) != _comparable(getattr(other, name))
    ]


def _comparable(value):
    return value.strip() if isinstance(value, str) else value


def default_merge_choice(kept: Contact, other: Contact, name: str) -> str:
    """Keep the kept contact's value unless it is empty and the other has one."""
    kept_value, other_value = getattr(kept, name), getattr(other, name)
    if kept_value in ("", None) and other_value not in ("", None):
        return "other"
    return "kept"


def _join(first: str, second: str) -> str:
    return "\n\n".join(part for part in (first.strip(), second.strip()) if part)


@transaction.atomic
def contacts_merge(
    *, owner, kept: Contact, other: Contact, choices: dict[str, str] | None = None
) -> ContactMerge:
    """Merge `other` into `kept`. `choices` maps a profile field to "kept", "other"
    or (long text) "both"; unmentioned fields take the default_merge_choice. Every
    interaction, follow-up, commitment, connection, attendance and busy period of
    `other` moves to `kept`; then `other` is deleted and a ContactMerge records what
    it was."""
    if kept.owner_id != owner.pk or other.owner_id != owner.pk:
        raise ContactError("Both contacts must be yours.")
    if kept.pk == other.pk:
        raise ContactError("A contact cannot be merged with itself.")
    choices = choices or {}
    bad = {name: how for name, how in choices.items() if name not in PROFILE_FIELDS}
    if bad:
        raise ContactError(f"Unknown fields: {', '.join(sorted(bad))}")
    # Lock both rows, so two merges of the same pair cannot interleave.
    locked = {
        c.pk: c for c in Contact.objects.select_for_update().filter(pk__in=[kept.pk, other.pk])
    }
    if len(locked) != 2:
        raise ContactError("One of these contacts no longer exists.")
    kept, other = locked[kept.pk], locked[other.pk]
    snapshot = _snapshot(other)

    for name in PROFILE_FIELDS:
        how = choices.get(name) or default_merge_choice(kept, other, name)
        if how == "other":
            setattr(kept, name, getattr(other, name))
        elif how == "both" and name in JOINABLE_FIELDS:
            setattr(kept, name, _join(getattr(kept, name), getattr(other, name)))
        elif how not in ("kept", "both"):
            raise ContactError(f"Choose “kept”, “other” or “both” for {name}.")
    kept.phone_normalized = normalize_phone(kept.phone)
    kept.do_not_contact = kept.do_not_contact or other.do_not_contact
    _merge_rhythm(kept, other)

    moved = {
        "attendances": _move_attendances(kept, other),
        "connections": _move_connections(kept, other),
        "followups": _move_followups(kept, other),
    }
    moved.update(_move_remaining_relations(kept, other))
    kept.interests.add(*other.interests.all())
    kept.full_clean(exclude=["owner"])
    kept.save()
    # The merge history of the duplicate now belongs to the kept contact.
    ContactMerge.objects.filter(kept=other).update(kept=kept)
    merge = ContactMerge.objects.create(
        owner=owner,
        kept=kept,
        merged_name=other.display_name[:300],
        merged_data={"contact": snapshot, "moved": moved, "choices": choices},
    )
    other.delete()
    return merge


def _snapshot(contact: Contact) -> dict:
    data = model_to_dict(contact, exclude=["owner", "interests"])
    data["id"] = contact.pk
    data["interests"] = list(contact.interests.values_list("name", flat=True))
    for name in ("last_two_way_at", "last_outreach_at", "stale_since", "on_hold_until"):
        data[name] = getattr(contact, name)
    data["created_at"] = contact.created_at
    # JSONField needs plain JSON: dates and datetimes become ISO strings.
    return {
        key: DjangoJSONEncoder().default(value) if isinstance(value, date | datetime) else value
        for key, value in data.items()
    }


def _latest(a, b):
    return max((v for v in (a, b) if v is not None), default=None)


def _merge_rhythm(kept: Contact, other: Contact) -> None:
    kept.last_two_way_at = _latest(kept.last_two_way_at, other.last_two_way_at)
    kept.last_outreach_at = _latest(kept.last_outreach_at, other.last_outreach_at)
    # Stale only if both were; the rules re-flag from the merged history anyway.
    kept.stale_since = (
        max(kept.stale_since, other.stale_since) if kept.stale_since and other.stale_since else None
    )
    if other.on_hold_until and (not kept.on_hold_until or other.on_hold_until > kept.on_hold_until):
        kept.on_hold_until, kept.on_hold_reason = other.on_hold_until, other.on_hold_reason
    if other.archived_at is None:
        kept.archived_at = None


def _move_attendances(kept: Contact, other: Contact) -> int:
    """One attendance per (event, contact): when both were at an event, fold the
    duplicate's preparation into the kept one."""
    kept_by_event = {a.event_id: a for a in Attendance.objects.filter(contact=kept)}
    moved = 0
    for attendance in Attendance.objects.filter(contact=other):
        mine = kept_by_event.get(attendance.event_id)
        if mine is None:
            attendance.contact = kept
            attendance.save(update_fields=["contact"])
        else:
            mine.is_target = mine.is_target or attendance.is_target
            mine.met = mine.met or attendance.met
            mine.met_at = min((t for t in (mine.met_at, attendance.met_at) if t), default=None)
            if mine.role == "attendee":
                mine.role = attendance.role
            for name in ("goals", "talking_points"):
                theirs = getattr(attendance, name).strip()
                if theirs and theirs not in getattr(mine, name):
                    setattr(mine, name, _join(getattr(mine, name), theirs))
            mine.save()
            ImportedRecord.objects.filter(attendance=attendance).update(attendance=mine)
            attendance.delete()
        moved += 1
    return moved


def _move_connections(kept: Contact, other: Contact) -> int:
    """Re-point the duplicate's connections; a link between the two becomes
    meaningless and goes, and a link the kept contact already has is not doubled."""
    moved = 0
    links = Connection.objects.filter(Q(from_contact=other) | Q(to_contact=other))
    for link in links:
        from_id = kept.pk if link.from_contact_id == other.pk else link.from_contact_id
        to_id = kept.pk if link.to_contact_id == other.pk else link.to_contact_id
        duplicate = Connection.objects.filter(
            from_contact_id=from_id, to_contact_id=to_id, kind=link.kind
        ).exclude(pk=link.pk)
        if from_id == to_id or duplicate.exists():
            link.delete()
            continue
        link.from_contact_id, link.to_contact_id = from_id, to_id
        link.save(update_fields=["from_contact", "to_contact"])
        moved += 1
    return moved


def _move_followups(kept: Contact, other: Contact) -> int:
    """Follow-ups keep their dedupe keys (unique per owner, so moving them cannot
    collide). When both had the same open reminder, the later one is dismissed, so
    the dashboard does not ask twice."""
    live = [FollowUpStatus.OPEN, FollowUpStatus.SNOOZED]
    open_kept = {
        (f.kind, f.resource_id, f.commitment_id): f
        for f in FollowUp.objects.filter(contact=kept, status__in=live)
    }
    moved = 0
    for followup in FollowUp.objects.filter(contact=other):
        followup.contact = kept
        key = (followup.kind, followup.resource_id, followup.commitment_id)
        twin = open_kept.get(key)
        if followup.status in live and twin is not None:
            if followup.due_on < twin.due_on:
                twin, followup = followup, twin
                twin.contact = kept
            followup.status = FollowUpStatus.DISMISSED
            followup.snoozed_until = None
            followup.completed_at = timezone.now()
            open_kept[key] = twin
            twin.save()
        followup.save()
        moved += 1
    return moved


# Relations handled above, or that must not move (an import's undo must not touch
# the kept contact).
_SPECIAL_RELATIONS = {
    (Attendance, "contact"),
    (Connection, "from_contact"),
    (Connection, "to_contact"),
    (FollowUp, "contact"),
    (ContactMerge, "kept"),
    (ImportedRecord, "contact"),
}


def _move_remaining_relations(kept: Contact, other: Contact) -> dict[str, int]:
    """Every other row that points at the duplicate (interactions, commitments, busy
    periods, and whatever later apps add) moves to the kept contact."""
    moved = {}
    # Hidden relations too (related_name="+"): they would cascade away otherwise.
    for relation in Contact._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and relation.one_to_many):
            continue
        model, field_name = relation.related_model, relation.field.name
        if model._meta.auto_created or (model, field_name) in _SPECIAL_RELATIONS:
            continue  # auto_created: the interests table, merged with .add() above
        count = model._base_manager.filter(**{field_name: other}).update(**{field_name: kept})
        moved[model._meta.model_name] = moved.get(model._meta.model_name, 0) + count
    return moved


# --- Bulk actions on the list ----------------------------------------------------


def _owned(owner, contact_ids: Iterable[int]):
    ids = set(contact_ids)
    contacts = Contact.objects.for_user(owner).filter(pk__in=ids)
    if contacts.count() != len(ids):
        raise ContactError("Some of the selected contacts are not yours.")
    return contacts


@transaction.atomic
def bulk_tag(*, owner, contact_ids: Sequence[int], topic_name: str) -> Topic:
    contacts = list(_owned(owner, contact_ids))
    topics = topics_get_or_create(owner=owner, names=[topic_name])
    if not topics:
        raise ContactError("Give the tag a name.")
    topic = topics[0]
    topic.contacts.add(*contacts)
    return topic


@transaction.atomic
def bulk_set_cadence(*, owner, contact_ids: Sequence[int], cadence_days: int | None) -> int:
    if cadence_days is not None and cadence_days < 1:
        raise ContactError("The cadence is at least one day.")
    return _owned(owner, contact_ids).update(cadence_days=cadence_days, updated_at=timezone.now())


@transaction.atomic
def bulk_set_tier(*, owner, contact_ids: Sequence[int], tier: str) -> int:
    from contacts.models import Tier

    if tier not in Tier.values:
        raise ContactError("Choose a tier.")
    return _owned(owner, contact_ids).update(tier=tier, updated_at=timezone.now())


@transaction.atomic
def bulk_archive(*, owner, contact_ids: Sequence[int], now: datetime | None = None) -> list[int]:
    """Archive the selection; returns the ids it archived (not those already
    archived), which is what an undo restores."""
    contacts = _owned(owner, contact_ids).filter(archived_at__isnull=True)
    ids = list(contacts.values_list("pk", flat=True))
    Contact.objects.filter(pk__in=ids).update(
        archived_at=now or timezone.now(), updated_at=timezone.now()
    )
    return ids


@transaction.atomic
def bulk_unarchive(*, owner, contact_ids: Sequence[int]) -> int:
    return (
        _owned(owner, contact_ids)
        .filter(archived_at__isnull=False)
        .update(archived_at=None, updated_at=timezone.now())
    )
