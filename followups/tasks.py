"""Celery tasks of the follow-ups app: thin wrappers over plain functions."""

from celery import shared_task
from django.db import DatabaseError

from followups import digest

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
