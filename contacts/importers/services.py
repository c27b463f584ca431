"""Writes: starting an import from an upload, committing it in one transaction, and
undoing it exactly."""

import io
import logging
import os
from datetime import timedelta
from pathlib import Path

from django.core.cache import cache
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from contacts.importers.bulk import insert_rows
from contacts.importers.columns import (
    VCARD_MAPPING,
    guess_mapping,
    has_identity,
    header_signature,
    normalise_header,
)
from contacts.importers.planning import CHUNK_SIZE, CREATE, MERGE, Planner, RowPlan, chunked
from contacts.importers.reading import ImportFileError, Opener, Table, open_table
from contacts.models import ColumnMapping, Contact, ImportBatch, ImportedRecord, ImportStatus
from interactions.models import Attendance, AttendanceRole, Event

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 1000
# The commit writes bigger chunks than the preview plans: fewer round trips (each chunk
# is a handful of statements), still a bounded amount of memory.
COMMIT_CHUNK_SIZE = 2000
# How long a RUNNING import may hold its claim before another run takes over: far longer
# than any import takes (20,000 rows commit in seconds).
CLAIM_LEASE = timedelta(minutes=30)


def opener_for_upload(upload: File) -> Opener:
    """Reopen the upload from disk when it is on disk (big uploads, the command's file),
    so reading it twice never loads it whole."""
    if hasattr(upload, "temporary_file_path"):
        path = upload.temporary_file_path()
        return lambda: open(path, "rb")  # noqa: SIM115 - the caller closes it
    path = getattr(upload.file, "name", None)
    if isinstance(path, str) and os.path.isfile(path):
        return lambda: open(path, "rb")  # noqa: SIM115 - the caller closes it
    upload.seek(0)
    data = upload.read()
    return lambda: io.BytesIO(data)


def batch_table(batch: ImportBatch) -> Table:
    storage, name = batch.upload.storage, batch.upload.name
    return open_table(lambda: storage.open(name, "rb"), file_name=batch.file_name)


def mapping_for(table: Table, *, owner) -> dict[str, str]:
    """The mapping this user confirmed for these headers before, else our best guess."""
    if table.kind == "vcard":
        return dict(VCARD_MAPPING)
    remembered = (
        ColumnMapping.objects.for_user(owner)
        .filter(header_signature=header_signature(table.headers))
        .first()
    )
    if remembered is not None:
        # Same columns, perhaps in another order or case: match headers by their
        # normalised names.
        fields = {normalise_header(h): f for h, f in remembered.mapping.items()}
        return {
            h: fields[normalise_header(h)] for h in table.headers if normalise_header(h) in fields
        }
    return guess_mapping(table.headers)


def event_get_or_create(*, owner, name: str) -> Event:
    event = Event.objects.for_user(owner).filter(name__iexact=name.strip()).first()
    return event or Event.objects.create(owner=owner, name=name.strip())


def import_start(
    *, owner, created_by, upload: File, event: Event | None = None, count: bool = True
) -> ImportBatch:
    """Read the upload far enough to know it can be imported, then keep it for the
    preview. A file that cannot be read raises ImportFileError and nothing is stored.
    `count=False` skips counting the rows (a pass over the whole file) when no preview
    will show the total: the commit sets it."""
    table = open_table(opener_for_upload(upload), file_name=upload.name, size=upload.size)
    mapping = mapping_for(table, owner=owner)
    if not has_identity(mapping):
        raise ImportFileError(
            "No name or email column was recognised. The list needs a column headed Name "
            "(or First Name and Last Name) or Email."
        )
    batch = ImportBatch(
        owner=owner,
        created_by=created_by,
        event=event,
        file_name=os.path.basename(upload.name)[:255],
        file_format=table.kind,
        column_mapping=mapping,
        total_rows=table.count_rows() if count else 0,
    )
    upload.seek(0)
    batch.upload.save(batch.file_name, upload, save=False)
    batch.save()
    return batch


def import_set_mapping(*, batch: ImportBatch, mapping: dict[str, str], headers: list[str]) -> None:
    """Use this mapping for the batch and remember it for the next file with these
    headers."""
    batch.column_mapping = mapping
    batch.save(update_fields=["column_mapping"])
    ColumnMapping.objects.update_or_create(
        owner=batch.owner,
        header_signature=header_signature(headers),
        defaults={"headers": headers, "mapping": mapping},
    )


def progress_key(batch_id: int) -> str:
    return f"import-progress:{batch_id}"


def import_progress(batch: ImportBatch) -> int:
    if batch.status == ImportStatus.RUNNING:
        return cache.get(progress_key(batch.pk), 0)
    return batch.processed_rows


def import_claim(*, batch: ImportBatch, queued: bool = False, now=None) -> bool:
    """Move a previewed batch on (to QUEUED for the worker, or RUNNING now), once: a
    double click or a redelivered task finds it already taken. A RUNNING claim older
    than CLAIM_LEASE (its worker was killed: the transaction left nothing) is taken
    over."""
    now = now or timezone.now()
    if queued:
        taken = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.PREVIEW)
        claimed = taken.update(status=ImportStatus.QUEUED)
        target = ImportStatus.QUEUED
    else:
        takeable = Q(status__in=[ImportStatus.PREVIEW, ImportStatus.QUEUED]) | Q(
            status=ImportStatus.RUNNING, claimed_at__lt=now - CLAIM_LEASE
        )
        taken = ImportBatch.objects.filter(takeable, pk=batch.pk)
        claimed = taken.update(status=ImportStatus.RUNNING, claimed_at=now)
        target = ImportStatus.RUNNING
        batch.claimed_at = now
    if claimed:
        batch.status = target
    return bool(claimed)


def _still_ours(batch: ImportBatch) -> bool:
    """Lock the batch row for this transaction and check that this run still holds the
    claim: a run taking over an expired lease waits here for a slow first run to finish,
    then finds the batch committed and writes nothing."""
    current = (
        ImportBatch.objects.select_for_update()
        .filter(pk=batch.pk)
        .values_list("status", "claimed_at")
        .first()
    )
    return current == (ImportStatus.RUNNING, batch.claimed_at)


def import_commit(*, batch: ImportBatch, chunk_size: int = COMMIT_CHUNK_SIZE) -> ImportBatch:
    """Write every good row of the batch in one transaction, or nothing.

    The batch must be claimed (RUNNING). A file that turns out unreadable half-way, or
    any crash, rolls everything back and marks the batch FAILED with the reason."""
    try:
        with transaction.atomic():
            if not _still_ours(batch):
                return batch
            _commit_rows(batch, chunk_size)
    except ImportFileError as exc:
        _fail(batch, str(exc))
        raise
    except Exception:
        logger.exception("import %s failed", batch.pk)
        _fail(batch, "The import stopped on an unexpected error; nothing was imported.")
        raise
    finally:
        cache.delete(progress_key(batch.pk))
    _discard_upload(batch)
    return batch


def _fail(batch: ImportBatch, message: str) -> None:
    batch.status = ImportStatus.FAILED
    batch.failure = message
    batch.save(update_fields=["status", "failure"])


def _discard_upload(batch: ImportBatch) -> None:
    """Attendee lists are other people's data: the file goes once it is imported (undo
    works from the records, not the file)."""
    if batch.upload:
        batch.upload.delete(save=False)
        ImportBatch.objects.filter(pk=batch.pk).update(upload="")


def _commit_rows(batch: ImportBatch, chunk_size: int) -> None:
    table = batch_table(batch)
    planner = Planner(owner=batch.owner, mapping=batch.column_mapping)
    created = merged = skipped = processed = 0
    errors: list[dict] = []
    error_count = 0
    for chunk in chunked(table.rows(), chunk_size):
        plans = planner.plan_chunk(chunk)
        attendance_ids = apply_chunk(batch, plans)
        planner.forget_plans(attendance_ids)
        for plan in plans:
            if plan.action == CREATE:
                created += 1
            elif plan.action == MERGE:
                merged += 1
            elif plan.action == "error":
                error_count += 1
                if len(errors) < MAX_STORED_ERRORS:
                    error = {"row": plan.number, "message": plan.reason}
                    if plan.sheet:
                        error["sheet"] = plan.sheet
                    errors.append(error)
            else:
                skipped += 1
        processed += len(plans)
        cache.set(progress_key(batch.pk), processed, 3600)
    if planner.role_upgrades:
        Attendance.objects.filter(pk__in=planner.role_upgrades).update(role=AttendanceRole.SPEAKER)
    batch.status = ImportStatus.COMMITTED
    batch.committed_at = timezone.now()
    batch.total_rows = batch.processed_rows = processed
    batch.created_count, batch.merged_count, batch.skipped_count = created, merged, skipped
    batch.error_count, batch.errors = error_count, errors
    batch.save()


def apply_chunk(batch: ImportBatch, plans: list[RowPlan]) -> dict[int, int]:
    """Write one chunk's creates and merges, their attendances and undo records, in a
    fixed number of queries. Returns {id(plan): attendance id}.

    New rows go in as plain values through insert_rows (COPY on PostgreSQL): no model
    instance per created contact, attendance or record."""
    creates = [p for p in plans if p.action == CREATE]
    merges = [p for p in plans if p.action == MERGE]
    new_ids = insert_rows(
        Contact, [{"owner_id": batch.owner_id, **p.candidate.values} for p in creates]
    )
    # (contact id, record) for the undo log, created contacts first.
    records: list[tuple[int, dict]] = [
        (contact_id, {"action": ImportedRecord.Action.CREATED}) for contact_id in new_ids
    ]
    fields: set[str] = set()
    for plan in merges:
        previous = {}
        for name, value in plan.fills.items():
            previous[name] = {"before": getattr(plan.contact, name), "after": value}
            setattr(plan.contact, name, value)
        fields.update(plan.fills)
        records.append(
            (
                plan.contact.pk,
                {"action": ImportedRecord.Action.MERGED, "previous_values": previous},
            )
        )
    if fields:
        Contact.objects.bulk_update(
            [p.contact for p in merges if p.fills],
            sorted(fields),
            batch_size=chunk_size_for(fields),
        )
    attendance_ids: dict[int, int] = {}
    created_attendance: dict[int, int] = {}  # contact id -> attendance id
    if batch.event_id:
        contacts = list(zip(creates, new_ids, strict=True))
        contacts += [(p, p.contact.pk) for p in merges]
        already = dict(
            Attendance.objects.filter(
                event_id=batch.event_id, contact__in=[p.contact for p in merges]
            ).values_list("contact_id", "id")
        )
        fresh = [(plan, contact_id) for plan, contact_id in contacts if contact_id not in already]
        fresh_ids = insert_rows(
            Attendance,
            [
                {
                    "owner_id": batch.owner_id,
                    "event_id": batch.event_id,
                    "contact_id": contact_id,
                    "role": plan.candidate.role,
                }
                for plan, contact_id in fresh
            ],
        )
        for (plan, contact_id), attendance_id in zip(fresh, fresh_ids, strict=True):
            attendance_ids[id(plan)] = attendance_id
            created_attendance[contact_id] = attendance_id
        for plan, contact_id in contacts:
            attendance_ids.setdefault(id(plan), already.get(contact_id))
    rows = []
    for contact_id, record in records:
        attendance_id = created_attendance.get(contact_id)
        if attendance_id is not None:
            record |= {"attendance_id": attendance_id, "attendance_created": True}
        rows.append({"batch_id": batch.pk, "contact_id": contact_id, **record})
    insert_rows(ImportedRecord, rows)
    return attendance_ids


def chunk_size_for(fields: set[str]) -> int:
    # bulk_update builds one CASE per field; keep each statement a sensible size.
    return max(50, 2000 // max(1, len(fields)))


def import_undo(*, batch: ImportBatch) -> None:
    """Remove what the batch created (contacts and attendances) and put merged contacts
    back as they were, field by field, unless the user has since changed that field."""
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != ImportStatus.COMMITTED:
            raise ImportFileError("Only a committed import can be undone.")
        records = locked.records.all()
        Attendance.objects.filter(
            pk__in=records.filter(attendance_created=True).values("attendance_id")
        ).delete()
        for chunk in chunked(
            records.filter(action=ImportedRecord.Action.MERGED)
            .exclude(contact=None)
            .select_related("contact")
            .iterator(chunk_size=CHUNK_SIZE),
            CHUNK_SIZE,
        ):
            _restore(chunk)
        Contact.objects.filter(
            pk__in=records.filter(action=ImportedRecord.Action.CREATED).values("contact_id")
        ).delete()
        locked.status = ImportStatus.UNDONE
        locked.undone_at = timezone.now()
        locked.save(update_fields=["status", "undone_at"])
    batch.refresh_from_db()


def _restore(records: list[ImportedRecord]) -> None:
    changed, fields = [], set()
    for record in records:
        contact = record.contact
        touched = False
        for name, values in record.previous_values.items():
            if getattr(contact, name) == values["after"]:
                setattr(contact, name, values["before"])
                fields.add(name)
                touched = True
        if touched:
            changed.append(contact)
    if changed:
        Contact.objects.bulk_update(changed, sorted(fields))


def import_file(
    path: str | Path,
    *,
    owner,
    created_by=None,
    event: Event | None = None,
) -> ImportBatch:
    """Import a file from disk in one go (the management command)."""
    path = Path(path)
    with open(path, "rb") as handle:
        batch = import_start(
            owner=owner,
            created_by=created_by,
            upload=File(handle, name=path.name),
            event=event,
            count=False,
        )
    import_claim(batch=batch)
    return import_commit(batch=batch)
