"""Celery tasks: thin wrappers that take ids, call the rules, and own only their retry
policy. Beat runs them on the schedule in config/celery.py."""

import logging

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import DatabaseError
from django.utils import timezone

from contacts.models import Contact
from followups import digest, rules

logger = logging.getLogger(__name__)

RETRY = {
    "acks_late": True,
    "autoretry_for": (DatabaseError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**RETRY)
def run_rules_for_all_users() -> dict:
    """Nightly: every user's follow-ups and flags, as of now."""
    report = rules.run_rules_for_all_users(now=timezone.now())
    logger.info("Rules ran for %s users: %s", report.users, report.as_dict())
    return report.as_dict()


@shared_task(**RETRY)
def run_rules_for_user(user_id: int) -> dict | None:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    return rules.run_rules(user, now=timezone.now()).as_dict()


@shared_task(**RETRY)
def run_rules_for_contact(contact_id: int) -> dict | None:
    """All rules for one contact (e.g. after an import touched it)."""
    contact = Contact.objects.select_related("owner").filter(pk=contact_id).first()
    if contact is None:  # deleted meanwhile: nothing to do
        return None
    return rules.refresh_contact(contact, now=timezone.now()).as_dict()


@shared_task(acks_late=True, ignore_result=True)
def heartbeat() -> str:
    """Beat's pulse: a log line every minute shows the scheduler and a worker are alive
    (`make run` shows the first tick). It also catches up the work that could not be
    queued while the broker was down (imports; the rules and digests are caught up by
    their own periodic runs)."""
    from contacts.tasks import requeue_waiting_imports

    now = timezone.now()
    requeue_waiting_imports(now=now)
    logger.info(
        "Beat heartbeat at %s: scheduler and worker are alive.", now.isoformat(timespec="seconds")
    )
    return now.isoformat(timespec="seconds")


# ---- Daily digest ---------------------------------------------------------------


@shared_task(
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=30,
    retry_backoff_max=300,
    max_retries=3,
    # A run longer than the 15-minute beat interval is fine (claims keep runs apart),
    # but one stuck for an hour is not.
    soft_time_limit=3000,
    time_limit=3300,
)
def send_due_digests() -> str:
    """Beat runs this every 15 minutes. Exactly-once lives in the database claims, so
    overlapping runs, retries and redeliveries send nothing twice."""
    return str(digest.send_due_digests())
