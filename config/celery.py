"""The Celery app and the one beat schedule (Celery's default scheduler, in code)."""

import os

from celery import Celery
from celery.schedules import crontab

import config.task_logging  # noqa: F401  (connects the task outcome log lines)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("rapport")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Brings every user's follow-ups up to date (stale check-ins, shares, nudges).
    "run-rules-nightly": {
        "task": "followups.tasks.run_rules_for_all_users",
        "schedule": crontab(hour=3, minute=0),
    },
    # Sends each user's digest once their local digest hour has passed.
    "send-digests": {
        "task": "followups.tasks.send_due_digests",
        "schedule": crontab(minute="*/15"),
    },
    # Catches up work that could not be queued while the broker was down.
    "heartbeat": {
        "task": "followups.tasks.heartbeat",
        "schedule": 60.0,
    },
}
