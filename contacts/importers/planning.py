"""The dry run: what each row will do (create, merge, duplicate, skip, error) and why.

Rows are planned a chunk at a time with at most two queries per chunk (existing
contacts by email, then by name for last names not looked up yet), so the cost per row
stays flat however big the file or network.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.db.models.functions import Lower

from contacts.importers.cleaning import Candidate, candidate_from_row, fold
from contacts.importers.reading import SourceRow, Table
from contacts.models import Contact
from interactions.models import AttendanceRole

CHUNK_SIZE = 500

CREATE, MERGE, DUPLICATE, SKIP, ERROR = "create", "merge", "duplicate", "skip", "error"
ACTION_LABELS = {
    CREATE: "Create",
    MERGE: "Merge",
    DUPLICATE: "Duplicate",
    SKIP: "Skip",
    ERROR: "Error",
}


@dataclass
class RowPlan:
    number: int
    sheet: str
    action: str
    reason: str
    candidate: Candidate
    contact: Contact | None = None  # the existing contact a merge fills
    fills: dict[str, str] = field(default_factory=dict)  # merge: empty fields it fills

    @property
    def where(self) -> str:
        return f"{self.sheet} row {self.number}" if self.sheet else f"row {self.number}"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self.action]


@dataclass
class _Seen:
    """A person already met in this file: later rows for them are duplicates."""

    where: str
    plan: RowPlan | None  # while its chunk is being applied
    attendance_id: int | None = None
    role: str = AttendanceRole.ATTENDEE


@dataclass
class Counts:
    created: int = 0
    merged: int = 0
    skipped: int = 0
    errors: list[dict] = field(default_factory=list)
    rows: int = 0

    def add(self, plan: RowPlan) -> None:
        self.rows += 1
        if plan.action == CREATE:
            self.created += 1
        elif plan.action == MERGE:
            self.merged += 1
        elif plan.action in (DUPLICATE, SKIP):
            self.skipped += 1
        else:
            error = {"row": plan.number, "message": plan.reason}
            if plan.sheet:
                error["sheet"] = plan.sheet
            self.errors.append(error)

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "merged": self.merged,
            "skipped": self.skipped,
            "errors": self.errors,
        }


def chunked(rows: Iterable[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _name_key(values: dict[str, str]) -> str | None:
    first, last = fold(values.get("first_name", "")), fold(values.get("last_name", ""))
    if not (first and last):
        return None
    return f"n:{first}|{last}|{fold(values.get('institution', ''))}"


class Planner:
    """Plans rows chunk by chunk, remembering the people seen so far in the file."""

    def __init__(self, *, owner, mapping: dict[str, str]):
        self.owner = owner
        self.mapping = mapping
        self.seen: dict[str, _Seen] = {}
        self.role_upgrades: set[int] = set()  # attendance ids to make "speaker"
        self._pending: list[_Seen] = []  # people first seen in the current chunk
        # The owner's contacts by name key, for the last names looked up so far: loaded
        # once per last name, not once per chunk (an attendee list repeats last names,
        # and reloading them every chunk made a big import quadratic).
        self._by_name: dict[str, Contact] = {}
        self._last_names_loaded: set[str] = set()
        self._email_ids: dict[str, int] | None = None  # lower-cased email -> contact id

    def plan_chunk(self, rows: list[SourceRow]) -> list[RowPlan]:
        candidates = [(row, candidate_from_row(row, self.mapping)) for row in rows]
        live = [c for _, c in candidates if not (c.error or c.skip_reason)]
        by_email = self._existing_by_email({c.email for c in live if c.email})
        by_name = self._existing_by_name(live, by_email)
        return [self._plan_one(row, c, by_email, by_name) for row, c in candidates]

    def _existing_by_email(self, emails: set[str]) -> dict[str, Contact]:
        """Contacts that existed before this import, by lower-cased email: the owner's
        emails are read once (ids only), and only the contacts that match are loaded.
        Contacts this import creates are found earlier, in `seen`."""
        if not emails:
            return {}
        if self._email_ids is None:
            self._email_ids = {}
            rows = (
                Contact.objects.for_user(self.owner)
                .exclude(email="")
                .annotate(email_lower=Lower("email"))
                .order_by("id")
                .values_list("email_lower", "id")
            )
            for email, contact_id in rows:
                self._email_ids.setdefault(email, contact_id)
        wanted = {email: self._email_ids[email] for email in emails if email in self._email_ids}
        if not wanted:
            return {}
        contacts = Contact.objects.for_user(self.owner).in_bulk(set(wanted.values()))
        return {email: contacts[contact_id] for email, contact_id in wanted.items()}

    def _existing_by_name(
        self, candidates: list[Candidate], by_email: dict[str, Contact]
    ) -> dict[str, Contact]:
        """Contacts that existed before this chunk, by name key. Those this import
        created are found earlier, in `seen`, so a contact loaded once stays right: a
        merge updates the loaded instance itself."""
        wanted = {
            c.values["last_name"].lower()
            for c in candidates
            if c.email not in by_email and c.values.get("last_name") and c.values.get("first_name")
        }
        wanted -= self._last_names_loaded
        if wanted:
            contacts = (
                Contact.objects.for_user(self.owner)
                .annotate(last_lower=Lower("last_name"))
                .filter(last_lower__in=wanted)
                .order_by("id")
            )
            for contact in contacts:
                key = _name_key(
                    {
                        "first_name": contact.first_name,
                        "last_name": contact.last_name,
                        "institution": contact.institution,
                    }
                )
                if key:
                    self._by_name.setdefault(key, contact)
            self._last_names_loaded |= wanted
        return self._by_name

    def _plan_one(
        self,
        row: SourceRow,
        candidate: Candidate,
        by_email: dict[str, Contact],
        by_name: dict[str, Contact],
    ) -> RowPlan:
        def plan(action: str, reason: str, **extra) -> RowPlan:
            return RowPlan(row.number, row.sheet, action, reason, candidate, **extra)

        if candidate.error:
            return plan(ERROR, candidate.error)
        if candidate.skip_reason:
            return plan(SKIP, f"Not attending: {candidate.skip_reason}.")

        email_key = f"e:{candidate.email}" if candidate.email else None
        name_key = _name_key(candidate.values)
        keys = [k for k in (email_key, name_key) if k]
        for key in keys:
            if key in self.seen:
                return self._duplicate(plan, candidate, key)

        contact, how = by_email.get(candidate.email) if candidate.email else None, "email"
        if contact is None and name_key and name_key in by_name:
            match = by_name[name_key]
            # The same name at the same institution, unless their emails disagree.
            if not (match.email and candidate.email and match.email.lower() != candidate.email):
                contact, how = match, "name and institution"
        if contact is not None:
            contact_key = f"c:{contact.pk}"
            if contact_key in self.seen:
                return self._duplicate(plan, candidate, contact_key)
            fills = {
                name: value
                for name, value in candidate.values.items()
                if value and not getattr(contact, name)
            }
            what = ", ".join(sorted(fills)).replace("_", " ") if fills else "nothing new"
            result = plan(
                MERGE,
                f"Matches {contact.display_name} by {how}; fills {what}.",
                contact=contact,
                fills=fills,
            )
            keys.append(contact_key)
        else:
            result = plan(CREATE, "New contact.")
        seen = _Seen(result.where, result, role=candidate.role)
        self._pending.append(seen)
        for key in keys:
            self.seen[key] = seen
        return result

    def _duplicate(self, plan, candidate: Candidate, key: str) -> RowPlan:
        first = self.seen[key]
        if candidate.role == AttendanceRole.SPEAKER and first.role != AttendanceRole.SPEAKER:
            first.role = AttendanceRole.SPEAKER
            if first.plan is not None:
                first.plan.candidate.role = AttendanceRole.SPEAKER
            elif first.attendance_id is not None:
                self.role_upgrades.add(first.attendance_id)
        return plan(DUPLICATE, f"Same person as {first.where}.")

    def forget_plans(self, attendance_ids: dict[int, int]) -> None:
        """After a chunk is written: keep only what later duplicates need."""
        for seen in self._pending:
            plan, seen.plan = seen.plan, None
            seen.attendance_id = attendance_ids.get(id(plan))
        self._pending = []


def plan_rows(
    table: Table, *, owner, mapping: dict[str, str], limit: int | None = None
) -> tuple[list[RowPlan], Counts]:
    """The dry run over the whole file (or its first `limit` rows): plans and counts."""
    planner = Planner(owner=owner, mapping=mapping)
    counts = Counts()
    plans: list[RowPlan] = []
    rows = table.rows()
    if limit is not None:
        rows = islice(rows, limit)
    for chunk in chunked(rows, CHUNK_SIZE):
        for plan in planner.plan_chunk(chunk):
            counts.add(plan)
            plans.append(plan)
        planner.forget_plans({})
    return plans, counts


def count_rows(table: Table, *, owner, mapping: dict[str, str]) -> Counts:
    """The dry run's counts without keeping the plans (the command's --dry-run)."""
    planner = Planner(owner=owner, mapping=mapping)
    counts = Counts()
    for chunk in chunked(table.rows(), CHUNK_SIZE):
        for plan in planner.plan_chunk(chunk):
            counts.add(plan)
        planner.forget_plans({})
    return counts
