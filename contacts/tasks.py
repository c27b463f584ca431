"""Celery tasks for contacts: thin wrappers that take ids and call a service."""

import logging
from datetime import datetime, timedelta

from celery import shared_task
from django.db import OperationalError
from django.db.models import Q

from config.queue import publish
from contacts.importers.reading import ImportFileError
from contacts.importers.services import CLAIM_LEASE, import_claim, import_commit
from contacts.models import ImportBatch, ImportStatus

logger = logging.getLogger(__name__)
# A batch still waiting this long after its upload was probably never queued (the broker
# was down when the user clicked Import). Queuing it twice is harmless: the claim in
# commit_import lets only one run.
REQUEUE_AFTER = timedelta(minutes=1)


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


def requeue_waiting_imports(*, now: datetime) -> int:
    """Queue again every import left waiting, so that an import clicked while the broker
    was down still runs once it is back, and every import whose worker was killed
    mid-commit (its claim outlived the lease). Called by the heartbeat every minute."""
    waiting = ImportBatch.objects.filter(
        Q(status=ImportStatus.QUEUED, created_at__lt=now - REQUEUE_AFTER)
        | Q(status=ImportStatus.RUNNING, claimed_at__lt=now - CLAIM_LEASE)
    ).values_list("pk", flat=True)
    queued = sum(publish(commit_import, batch_id) for batch_id in waiting)
    if queued:
        logger.info("Re-queued %s waiting import(s).", queued)
    return queued
