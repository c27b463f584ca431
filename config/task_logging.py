"""One log line per Celery task outcome (succeeded, failed, retrying) with the task's
name, id and duration, and the task id as the request id of every line the task logs,
so a task's lines can be found together. Connected when config.celery is imported."""

import contextlib
import logging
import time

from celery.signals import task_failure, task_postrun, task_prerun, task_retry, task_success

from config.logging import request_id_var

logger = logging.getLogger("rapport.tasks")

# task id -> (monotonic start, request-id token); filled at prerun, emptied at postrun.
_running: dict[str, tuple[float, object]] = {}


def _duration_ms(task_id: str | None) -> float | None:
    started = _running.get(task_id or "")
    return None if started is None else round((time.monotonic() - started[0]) * 1000, 1)


def _fields(task, task_id: str | None, outcome: str) -> dict:
    return {
        "task": getattr(task, "name", str(task)),
        "task_id": task_id,
        "duration_ms": _duration_ms(task_id),
        "outcome": outcome,
    }


@task_prerun.connect(weak=False)
def _task_started(task_id=None, **kwargs) -> None:
    _running[task_id] = (time.monotonic(), request_id_var.set(task_id or "-"))


@task_postrun.connect(weak=False)
def _task_finished(task_id=None, **kwargs) -> None:
    started = _running.pop(task_id, None)
    if started is not None:
        # Reset fails when set in another context (an eager retry inside a task).
        with contextlib.suppress(ValueError):
            request_id_var.reset(started[1])


@task_success.connect(weak=False)
def _task_succeeded(sender=None, **kwargs) -> None:
    task_id = sender.request.id if sender is not None else None
    fields = _fields(sender, task_id, "success")
    logger.info(
        "task %s succeeded in %s ms (id %s)",
        fields["task"],
        fields["duration_ms"],
        task_id,
        extra=fields,
    )


@task_failure.connect(weak=False)
def _task_failed(sender=None, task_id=None, exception=None, **kwargs) -> None:
    fields = _fields(sender, task_id, "failure")
    fields["error"] = f"{exception.__class__.__name__}: {exception}"
    logger.error(
        "task %s failed in %s ms (id %s): %s",
        fields["task"],
        fields["duration_ms"],
        task_id,
        fields["error"],
        extra=fields,
    )


@task_retry.connect(weak=False)
def _task_retrying(sender=None, request=None, reason=None, **kwargs) -> None:
    task_id = getattr(request, "id", None)
    fields = _fields(sender, task_id, "retry")
    fields["reason"] = str(reason)
    logger.warning(
        "task %s will retry after %s ms (id %s): %s",
        fields["task"],
        fields["duration_ms"],
        task_id,
        fields["reason"],
        extra=fields,
    )
