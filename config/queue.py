"""Queueing Celery work from web requests without ever letting a broker outage break
or stall the request.

Work is queued after the transaction commits. If the broker is unreachable, the publish
gives up quickly (short connect timeout, one retry: see CELERY_* settings) and the
failure is logged, not raised. Nothing is lost, because every task's intent is also in
the database: the periodic jobs (nightly rules, the 15-minute digest run, the heartbeat
sweep of queued imports) find and finish whatever was not run."""

import logging

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def publish(task, *args, **kwargs) -> bool:
    """Send a task now; True if the broker took it."""
    try:
        task.apply_async(
            args=args,
            kwargs=kwargs,
            retry=True,
            retry_policy=settings.CELERY_TASK_PUBLISH_RETRY_POLICY,
        )
        return True
    except Exception as exc:  # noqa: BLE001 - any broker failure must not break the request
        logger.warning("Could not queue %s (%s); a periodic sweep will run it.", task.name, exc)
        return False


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue a task once the current transaction commits (immediately outside one)."""
    transaction.on_commit(lambda: publish(task, *args, **kwargs))
