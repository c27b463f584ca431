"""From one row's cells to the contact fields it fills: names split, emails normalised,
phones kept as given plus a normalised form, and the platform's status read."""

import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from nameparser import HumanName

from contacts.importers.reading import SourceRow
from interactions.models import AttendanceRole

# Contact fields an import may fill, with their maximum lengths.
CONTACT_FIELDS: dict[str, int] = {
    "honorific": 20,
    "first_name": 100,
    "middle_name": 100,
    "last_name": 100,
    "credentials": 80,
    "title": 150,
    "specialty": 120,
    "institution": 200,
    "city": 100,
    "country": 100,
    "email": 254,
    "phone": 50,
    "phone_normalized": 20,
    "linkedin_url": 200,
    "website": 200,
    "notes": 100_000,
}

# Platform status words meaning "this person is not coming", with the reason shown.
NOT_ATTENDING = [
    ("refund", "refunded"),
    ("cancel", "cancelled"),
    ("transfer", "transferred to someone else"),
    ("delete", "deleted"),
    ("declin", "declined"),
    ("denied", "registration denied"),
    ("reject", "registration rejected"),
    ("not attending", "not attending"),
]
SPEAKER_WORDS = ("speaker", "faculty", "presenter", "panelist", "panellist", "keynote", "moderator")
HONORIFIC_WORDS = {
    "dr",
    "prof",
    "professor",
    "mr",
    "mrs",
    "ms",
    "mx",
    "miss",
    "sir",
    "rev",
    "doctor",
}
NO_EMAIL_PLACEHOLDERS = {"", "-", "--", "n/a", "na", "none", "null"}


@dataclass
class Candidate:
    """What one row says about one person."""

    values: dict[str, str] = field(default_factory=dict)
    role: str = AttendanceRole.ATTENDEE
    skip_reason: str = ""
    error: str = ""

    @property
    def email(self) -> str:
        return self.values.get("email", "")

    @property
    def display_name(self) -> str:
        name = " ".join(
            self.values[k] for k in ("first_name", "middle_name", "last_name") if self.values.get(k)
        )
        return name or self.email or "(no name)"


def fold(text: str) -> str:
    """Case- and accent-insensitive form used to compare names and institutions."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^\w]+", " ", letters).strip()


def normalise_email(raw: str) -> str:
    email = raw.strip().strip("<>").strip()
    if email.lower().startswith("mailto:"):
        email = email[7:]
    return email.lower()


def normalise_phone(raw: str) -> str:
    """Digits with a leading + kept: "+1 (514) 555-0100 ext. 12" -> "+15145550100"."""
    main = re.split(r"(?i)\s*(?:ext\.?|x|#)\s*\d+\s*$", raw.strip())[0]
    digits = re.sub(r"\D", "", main)
    if len(digits) < 4:
        return ""
    prefix = "+" if main.lstrip().startswith(("+", "00")) else ""
    if main.lstrip().startswith("00"):
        digits = digits[2:]
    return (prefix + digits)[:20]


def split_name(full: str) -> dict[str, str]:
    """ "Dr. Jane Q. Smith, MD, PhD" and "Smith, Jane" both come apart into fields."""
    name = HumanName(full)
    return {
        "honorific": name.title,
        "first_name": name.first,
        "middle_name": name.middle,
        "last_name": name.last,
        "credentials": name.suffix,
    }


def read_status(value: str) -> str:
    text = value.strip().lower()
    if text in {"no", "not going", "waitlist", "waitlisted"}:
        return f"RSVP: {value.strip()}"
    for word, reason in NOT_ATTENDING:
        if word in text:
            return reason
    return ""


def read_role(value: str, sheet: str) -> str:
    text = f"{value} {sheet}".lower()
    if any(word in text for word in SPEAKER_WORDS):
        return AttendanceRole.SPEAKER
    return AttendanceRole.ATTENDEE


def candidate_from_row(row: SourceRow, mapping: dict[str, str]) -> Candidate:
    raw: dict[str, str] = {}
    for header, field_name in mapping.items():
        value = row.cells.get(header, "")
        if value and field_name not in raw:
            raw[field_name] = value
    candidate = Candidate()
    values = candidate.values

    if raw.get("first_name") or raw.get("last_name"):
        for key in ("first_name", "middle_name", "last_name"):
            if raw.get(key):
                values[key] = raw[key]
        # A "First Name" cell holding "Dr. Jane" still loses its honorific (checked
        # cheaply first: parsing every name is the slowest step of a big import).
        first_word = values.get("first_name", "").split(" ", 1)[0].rstrip(".").casefold()
        if first_word in HONORIFIC_WORDS:
            parsed = HumanName(values["first_name"])
            if parsed.title and parsed.first:
                values["honorific"], values["first_name"] = parsed.title, parsed.first
    elif raw.get("full_name"):
        values.update({k: v for k, v in split_name(raw["full_name"]).items() if v})
    for key in ("honorific", "credentials"):
        if raw.get(key):
            values[key] = raw[key]  # an explicit column beats what the name implied
    for key in ("title", "specialty", "institution", "city", "country", "notes"):
        if raw.get(key):
            values[key] = raw[key]

    email = normalise_email(raw.get("email", ""))
    if email in NO_EMAIL_PLACEHOLDERS:
        email = ""
    if email:
        try:
            validate_email(email)
        except ValidationError:
            candidate.error = f"“{raw['email']}” is not a valid email address."
        values["email"] = email

    phone = raw.get("phone", "").strip()
    if phone and normalise_phone(phone):
        values["phone"] = phone
        values["phone_normalized"] = normalise_phone(phone)

    url = raw.get("profile_url", "").strip()
    if url.startswith(("http://", "https://", "www.")):
        url = url if url.startswith("http") else f"https://{url}"
        values["linkedin_url" if "linkedin.com/" in url.lower() else "website"] = url

    for key, limit in CONTACT_FIELDS.items():
        if key in values and len(values[key]) > limit:
            if key in {"email", "linkedin_url", "website"}:
                candidate.error = candidate.error or f"The {key.replace('_', ' ')} is too long."
            values[key] = values[key][:limit]

    candidate.role = read_role(raw.get("role", ""), row.sheet)
    candidate.skip_reason = read_status(raw.get("status", ""))
    if not candidate.error and not (
        values.get("first_name") or values.get("last_name") or values.get("email")
    ):
        candidate.error = "No name and no email: nothing to make a contact from."
    return candidate
