"""The preview (a read): the file's columns, the mapping in use and what each row will do."""

from dataclasses import dataclass, field

from django.conf import settings

from contacts.importers.columns import FIELDS
from contacts.importers.planning import Counts, RowPlan, plan_rows
from contacts.importers.reading import ImportFileError
from contacts.importers.services import batch_table
from contacts.models import ImportBatch

PREVIEW_ROWS = 200


@dataclass
class Preview:
    batch: ImportBatch
    headers: list[str] = field(default_factory=list)
    plans: list[RowPlan] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    partial: bool = False  # only the first PREVIEW_ROWS rows were planned
    problem: str = ""

    @property
    def mapped_fields(self) -> list[tuple[str, str]]:
        return [
            (header, FIELDS[f]) for header, f in self.batch.column_mapping.items() if f in FIELDS
        ]

    @property
    def runs_in_background(self) -> bool:
        return self.batch.total_rows > settings.IMPORT_ASYNC_ROWS


def build_preview(batch: ImportBatch) -> Preview:
    """Plan the whole file when it is small; for a big one the first PREVIEW_ROWS rows, so
    the page never waits on the whole file."""
    preview = Preview(batch=batch)
    try:
        table = batch_table(batch)
    except (ImportFileError, FileNotFoundError) as exc:
        preview.problem = str(exc) if isinstance(exc, ImportFileError) else "The file is gone."
        return preview
    preview.headers = table.headers
    limit = None if batch.total_rows <= settings.IMPORT_ASYNC_ROWS else PREVIEW_ROWS
    preview.plans, preview.counts = plan_rows(
        table, owner=batch.owner, mapping=batch.column_mapping, limit=limit
    )
    preview.partial = limit is not None and batch.total_rows > limit
    return preview
