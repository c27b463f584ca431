"""Celery tasks for contacts: thin wrappers that take ids and call a service."""

from celery import shared_task
from django.db import OperationalError

from contacts.importers.reading import ImportFileError
from contacts.importers.services import import_claim, import_commit
from contacts.models import ImportBatch, ImportStatus


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=True,
    retry_backoff_max=120,
)
def commit_import(batch_id: int) -> None:
    """Commit a queued import. A redelivered task finds the batch already claimed and
    does nothing; an unreadable file marks the batch failed (no retry can fix it)."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None or not import_claim(batch=batch):
        return
    try:
        import_commit(batch=batch)
    except ImportFileError:
        return
    except OperationalError:
        # The transaction rolled back: put the batch back in the queue for the retry.
        ImportBatch.objects.filter(pk=batch_id).update(status=ImportStatus.QUEUED, failure="")
        raise
