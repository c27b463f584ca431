"""Getting a user's network out of Rapport: CSV (formula-safe), vCard 3.0 and a JSON
archive of everything the user owns (re-imported by contacts.archive_import).

Confidential notes never leave the app unless the caller passes include_confidential."""

import csv
from collections.abc import Iterable
from typing import IO

from django.db.models import QuerySet

from contacts.models import Contact

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
