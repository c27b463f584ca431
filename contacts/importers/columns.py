"""Which column means what: the header names event platforms use, and the mapping a user
confirms (remembered per header set)."""

import hashlib
import re

# The fields a column can be mapped to, in the order the mapping form lists them.
FIELDS: dict[str, str] = {
    "full_name": "Full name",
    "first_name": "First name",
    "middle_name": "Middle name",
    "last_name": "Last name",
    "honorific": "Honorific (Dr., Prof.)",
    "credentials": "Credentials (MD, PhD)",
    "email": "Email",
    "phone": "Phone",
    "title": "Role / job title",
    "institution": "Institution / organisation",
    "specialty": "Specialty",
    "city": "City",
    "country": "Country",
    "profile_url": "Profile / LinkedIn URL",
    "notes": "Notes",
    "role": "Ticket type / speaker role",
    "status": "Attendance status",
}
IDENTITY_FIELDS = {"full_name", "first_name", "last_name", "email"}

# Exact header names (normalised) from Eventbrite, Cvent, Whova, Zoom, Swapcard, Meetup,
# LinkedIn and plain sheets.
ALIASES: dict[str, str] = {}
for _field, _names in {
    "full_name": [
        "name",
        "full name",
        "attendee name",
        "attendee",
        "participant",
        "participant name",
        "user name (original name)",
        "user name",
        "contact name",
        "member name",
        "display name",
        "registrant name",
        "speaker name",
        "formatted name",
    ],
    "first_name": ["first name", "firstname", "given name", "first", "forename", "prénom"],
    "middle_name": ["middle name", "middle initial", "middle", "additional names"],
    "last_name": ["last name", "lastname", "surname", "family name", "last", "nachname", "nom"],
    "honorific": ["prefix", "salutation", "honorific", "name prefix"],
    "credentials": ["credentials", "degrees", "degree", "suffix", "name suffix", "designations"],
    "email": [
        "email",
        "e-mail",
        "email address",
        "e-mail address",
        "attendee email",
        "work email",
        "emailaddress",
        "primary email",
        "business email",
        "mail",
        "email (work)",
    ],
    "phone": [
        "phone",
        "phone number",
        "mobile",
        "mobile phone",
        "cell phone",
        "work phone",
        "telephone",
        "cell",
        "mobile number",
        "home phone",
        "tel",
    ],
    "title": [
        "title",
        "job title",
        "position",
        "designation",
        "job",
        "job role",
        "jobtitle",
        "professional title",
    ],
    "institution": [
        "company",
        "organization",
        "organisation",
        "institution",
        "affiliation",
        "employer",
        "company name",
        "hospital",
        "organization name",
        "org",
        "company / organization",
    ],
    "specialty": ["specialty", "speciality", "department", "field", "specialization"],
    "city": ["city", "home city", "work city", "town"],
    "country": [
        "country",
        "country/region name",
        "country/region",
        "home country",
        "work country",
    ],
    "profile_url": [
        "url",
        "linkedin",
        "linkedin url",
        "linkedin profile",
        "profile url",
        "website",
        "url of member profile",
    ],
    "notes": ["notes", "note", "comments", "bio", "about"],
    "role": [
        "ticket type",
        "ticket",
        "registration type",
        "attendee type",
        "role",
        "registrant type",
        "participant type",
        "attendee role",
        "speaker",
        "type",
    ],
    "status": [
        "attendee status",
        "registration status",
        "status",
        "rsvp",
        "approval status",
        "order status",
        "ticket status",
    ],
}.items():
    for _name in _names:
        ALIASES[_name] = _field

# Header words that identify a field inside a longer header ("Fachgebiet / Specialty").
KEYWORDS = [
    ("e-mail", "email"),
    ("email", "email"),
    ("specialt", "specialty"),
    ("speciality", "specialty"),
    ("institution", "institution"),
    ("organi", "institution"),
    ("company", "institution"),
    ("linkedin", "profile_url"),
    ("phone", "phone"),
    ("job title", "title"),
]

VCARD_HEADERS = (
    "Name", "Prefix", "First Name", "Middle Name", "Last Name", "Suffix", "Email", "Phone",
    "Organization", "Title", "Role", "URL", "Note",
)  # fmt: skip
VCARD_MAPPING = {
    "Name": "full_name",
    "Prefix": "honorific",
    "First Name": "first_name",
    "Middle Name": "middle_name",
    "Last Name": "last_name",
    "Suffix": "credentials",
    "Email": "email",
    "Phone": "phone",
    "Organization": "institution",
    "Title": "title",
    "URL": "profile_url",
    "Note": "notes",
}


def normalise_header(header: str) -> str:
    text = re.sub(r"\s+", " ", header.replace("\ufeff", "")).strip().lower()
    return text.rstrip(":*").strip()


def guess_field(header: str) -> str | None:
    key = normalise_header(header)
    if key in ALIASES:
        return ALIASES[key]
    for word, field in KEYWORDS:
        if word in key:
            return field
    return None


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """{header: field} for the headers we recognise; each field taken once, first wins
    (so a second "Email" column does not replace the first)."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        field = guess_field(header)
        if field and field not in taken:
            mapping[header] = field
            taken.add(field)
    return mapping


def has_identity(mapping: dict[str, str]) -> bool:
    return bool(IDENTITY_FIELDS & set(mapping.values()))


def header_signature(headers: list[str]) -> str:
    """The same set of columns, in any order and case, has the same signature."""
    joined = "\n".join(sorted({normalise_header(h) for h in headers}))
    return hashlib.sha256(joined.encode()).hexdigest()
