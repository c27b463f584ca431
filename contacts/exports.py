"""Getting a user's network out of Rapport: CSV (formula-safe), vCard 3.0 and a JSON
archive of everything the user owns (re-imported by contacts.archive_import).

Confidential notes never leave the app unless the caller passes include_confidential."""

import csv
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO

import vobject
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from contacts.models import ColumnMapping, Connection, Contact, ContactMerge, Topic

# A spreadsheet treats a cell starting with one of these as a formula (or, for tab and
# CR, as a way to smuggle one past a check): prefix a quote so it stays text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

CSV_FIELDS: list[tuple[str, str]] = [
    ("honorific", "Honorific"),
    ("first_name", "First name"),
    ("middle_name", "Middle name"),
    ("last_name", "Last name"),
    ("credentials", "Credentials"),
    ("title", "Title"),
    ("specialty", "Specialty"),
    ("institution", "Institution"),
    ("city", "City"),
    ("country", "Country"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("linkedin_url", "LinkedIn URL"),
    ("website", "Website"),
    ("preferred_channel", "Preferred channel"),
    ("availability_notes", "Availability"),
    ("boundary_notes", "Boundaries"),
    ("do_not_contact", "Do not contact"),
    ("assistant", "Assistant"),
    ("tier", "Tier"),
    ("cadence_days", "Cadence (days)"),
    ("interests", "Interests"),
    ("research_interests", "Research interests"),
    ("recent_work", "Recent work"),
    ("how_we_met", "How we met"),
    ("notes", "Notes"),
]
CONFIDENTIAL_FIELD = ("confidential_notes", "Confidential notes")


def neutralise_cell(value: object) -> str:
    """The text of one CSV cell, with formula-looking text made inert."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _with_related(contacts: Iterable[Contact]) -> Iterable[Contact]:
    if isinstance(contacts, QuerySet):
        return contacts.prefetch_related("interests")
    return contacts


def write_contacts_csv(
    contacts: Iterable[Contact], stream: IO[str], *, include_confidential: bool = False
) -> int:
    """Write `contacts` as CSV to the text `stream`; returns the number of rows written.

    Pass a queryset (already scoped with `for_user`) to keep it to two queries."""
    fields = CSV_FIELDS + ([CONFIDENTIAL_FIELD] if include_confidential else [])
    writer = csv.writer(stream)
    writer.writerow([label for _, label in fields])
    count = 0
    for contact in _with_related(contacts):
        row = []
        for name, _ in fields:
            if name == "interests":
                value = "; ".join(sorted(topic.name for topic in contact.interests.all()))
            else:
                value = getattr(contact, name)
            row.append(neutralise_cell(value))
        writer.writerow(row)
        count += 1
    return count


def contact_vcard(contact: Contact, *, include_confidential: bool = False):
    """One contact as a vobject vCard 3.0 component."""
    card = vobject.vCard()
    card.add("n").value = vobject.vcard.Name(
        family=contact.last_name,
        given=contact.first_name,
        additional=contact.middle_name,
        prefix=contact.honorific,
        suffix=contact.credentials,
    )
    card.add("fn").value = contact.display_name
    if contact.institution:
        card.add("org").value = [contact.institution]
    if contact.title:
        card.add("title").value = contact.title
    if contact.specialty:
        card.add("role").value = contact.specialty
    if contact.email:
        email = card.add("email")
        email.value = contact.email
        email.type_param = "INTERNET"
    if contact.phone:
        tel = card.add("tel")
        tel.value = contact.phone
        tel.type_param = "WORK"
    if contact.website:
        card.add("url").value = contact.website
    if contact.linkedin_url:
        profile = card.add("x-socialprofile")
        profile.value = contact.linkedin_url
        profile.type_param = "linkedin"
    if contact.city or contact.country:
        card.add("adr").value = vobject.vcard.Address(city=contact.city, country=contact.country)
    interests = sorted(topic.name for topic in contact.interests.all())
    if interests:
        card.add("categories").value = interests
    notes = [contact.notes]
    if include_confidential and contact.confidential_notes:
        notes.append(f"Confidential: {contact.confidential_notes}")
    note = "\n\n".join(n for n in notes if n)
    if note:
        card.add("note").value = note
    return card


def write_contacts_vcard(
    contacts: Iterable[Contact], stream: IO[str], *, include_confidential: bool = False
) -> int:
    """Write `contacts` as a vCard 3.0 file to the text `stream`; returns the count."""
    count = 0
    for contact in _with_related(contacts):
        stream.write(contact_vcard(contact, include_confidential=include_confidential).serialize())
        count += 1
    return count


# ---------------------------------------------------------------------------------------
# JSON archive: everything the user owns, with local references instead of database ids,
# so that contacts.archive_import can rebuild it in another account with nothing lost.

ARCHIVE_FORMAT = "rapport-archive"
ARCHIVE_VERSION = 1


@dataclass(frozen=True)
class Collection:
    name: str
    model: type[models.Model]
    references: dict[str, str] = field(default_factory=dict)  # FK field -> collection
    many: dict[str, str] = field(default_factory=dict)  # M2M field -> collection
    # Text fields that embed the ids of the row's own foreign keys ("thank_you:42"):
    # archived as templates ("thank_you:{source_interaction}") and rebuilt with new ids.
    id_templates: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    def fields(self) -> list[models.Field]:
        """The columns archived: every concrete field but the id and the owner."""
        return [
            f for f in self.model._meta.concrete_fields if not f.primary_key and f.name != "owner"
        ]


def archive_collections() -> list[Collection]:
    """In dependency order: a collection only refers to those before it."""
    from followups.models import Commitment, FollowUp, QuietPeriod, Resource
    from interactions.models import Attendance, Event, Interaction, MessageTemplate

    return [
        Collection("topics", Topic),
        Collection("resources", Resource, many={"topics": "topics"}),
        Collection("events", Event),
        Collection(
            "contacts", Contact, references={"met_at_event": "events"}, many={"interests": "topics"}
        ),
        Collection(
            "connections",
            Connection,
            references={"from_contact": "contacts", "to_contact": "contacts"},
        ),
        Collection(
            "interactions",
            Interaction,
            references={"contact": "contacts", "event": "events", "resource": "resources"},
        ),
        Collection(
            "attendances", Attendance, references={"event": "events", "contact": "contacts"}
        ),
        Collection(
            "commitments",
            Commitment,
            references={"contact": "contacts", "source_interaction": "interactions"},
        ),
        Collection(
            "followups",
            FollowUp,
            references={
                "contact": "contacts",
                "resource": "resources",
                "commitment": "commitments",
                "source_interaction": "interactions",
            },
            # The keys followups.rules writes (key_for): kind, then the ids it names.
            id_templates={"dedupe_key": FOLLOWUP_KEY_PARTS},
        ),
        Collection("quiet_periods", QuietPeriod, references={"contact": "contacts"}),
        Collection("message_templates", MessageTemplate),
        Collection("column_mappings", ColumnMapping),
        Collection("contact_merges", ContactMerge, references={"kept": "contacts"}),
    ]


# Owned models the archive leaves out on purpose (a test holds every other one to it).
ARCHIVE_EXCLUDED = {
    "contacts.ImportBatch": "an upload's bookkeeping (file, progress, undo), not the user's data",
    "followups.DigestDelivery": "the log of emails already sent",
}


FOLLOWUP_KEY_PARTS = {
    "thank_you": ("source_interaction",),
    "reply": ("source_interaction",),
    "check_in": ("source_interaction",),
    "intro_check": ("source_interaction",),
    "commitment": ("commitment",),
    "nudge": ("commitment",),
    "share": ("resource", "contact"),
    "*": ("commitment", "source_interaction", "resource", "contact"),
}

# Preferences travel too, except the secret calendar token: a new account gets its own.
PREFERENCES_EXCLUDED = {"id", "user", "calendar_token"}


def id_template(text: str, row: dict, references: dict[str, tuple[str, ...]]) -> str:
    """Replace each ":<digits>" part of `text` that is the id of one of the row's
    foreign keys by "{<field>}"; other parts stay as they are. `references` names, per
    key prefix, the field each part is expected to be (ids of different tables can be
    equal, so position decides first), and under "*" the fields to try otherwise."""
    parts = text.split(":")
    expected = references.get(parts[0], ())
    for i, part in enumerate(parts[1:], start=1):
        if not part.isdigit():
            continue
        candidates = ([expected[i - 1]] if i <= len(expected) else []) + list(
            references.get("*", ())
        )
        for name in candidates:
            if row.get(f"{name}_id") == int(part):
                parts[i] = "{" + name + "}"
                break
    return ":".join(parts)


def _json_value(value):
    if isinstance(value, datetime):
        return value.isoformat()  # full precision, unlike DjangoJSONEncoder
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def build_archive(user, *, include_confidential: bool = False, now: datetime | None = None) -> dict:
    """Everything `user` owns as one JSON-ready dict. One query per collection and per
    many-to-many relation, whatever the size of the network."""
    from followups.models import Preferences

    refs: dict[str, dict[int, int]] = {}
    archive: dict = {
        "format": ARCHIVE_FORMAT,
        "version": ARCHIVE_VERSION,
        "exported_at": (now or timezone.now()).isoformat(),
        "includes_confidential": include_confidential,
    }
    for collection in archive_collections():
        fields = collection.fields()
        rows = list(
            collection.model.objects.for_user(user)
            .order_by("pk")
            .values("pk", *(f.attname for f in fields))
        )
        refs[collection.name] = {row["pk"]: n for n, row in enumerate(rows, start=1)}
        many_values = {}
        for name, target in collection.many.items():
            relation = collection.model._meta.get_field(name)
            through = relation.remote_field.through
            source = relation.m2m_field_name()
            destination = relation.m2m_reverse_field_name()
            linked: dict[int, list[int]] = defaultdict(list)
            pairs = through.objects.filter(**{f"{source}__owner": user}).values_list(
                f"{source}_id", f"{destination}_id"
            )
            for source_id, target_id in pairs:
                linked[source_id].append(refs[target][target_id])
            many_values[name] = linked
        items = []
        for row in rows:
            item = {"ref": refs[collection.name][row["pk"]]}
            for f in fields:
                value = row[f.attname]
                if f.name in collection.references:
                    target = collection.references[f.name]
                    item[f.name] = None if value is None else refs[target][value]
                elif f.name == "confidential_notes" and not include_confidential:
                    item[f.name] = ""
                elif f.name in collection.id_templates and value:
                    item[f.name] = id_template(value, row, collection.id_templates[f.name])
                else:
                    item[f.name] = _json_value(value)
            for name, linked in many_values.items():
                item[name] = sorted(linked.get(row["pk"], []))
            items.append(item)
        archive[collection.name] = items
    preferences = Preferences.for_user(user)
    archive["preferences"] = {
        f.name: _json_value(f.value_from_object(preferences))
        for f in Preferences._meta.concrete_fields
        if f.name not in PREFERENCES_EXCLUDED
    }
    return archive


def write_archive(user, stream: IO[str], *, include_confidential: bool = False) -> None:
    json.dump(
        build_archive(user, include_confidential=include_confidential),
        stream,
        ensure_ascii=False,
        indent=1,
    )
