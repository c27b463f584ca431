import logging
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from django.db import connection, transaction
from django.utils import timezone

from config.celery import app
from config.queue import enqueue_on_commit
from followups import tasks
from followups.models import FollowUp, FollowUpKind
from tests.conftest import redis_url
from tests.factories import ContactFactory
from tests.followups.conftest import talk

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_the_contact_task_runs_the_rules_for_that_contact(owner, contact):
    other = ContactFactory(owner=owner)
    for person in (contact, other):
        talk(person, timezone.now() - timedelta(hours=5))
    report = tasks.run_rules_for_contact.apply(args=[contact.pk]).get()
    assert report["created"] == {"thank_you": 1}
    assert list(FollowUp.objects.values_list("contact_id", flat=True)) == [contact.pk]


@pytest.mark.django_db
def test_the_tasks_do_nothing_for_a_deleted_contact_or_user(owner):
    assert tasks.run_rules_for_contact.apply(args=[987654]).get() is None
    assert tasks.run_rules_for_user.apply(args=[987654]).get() is None


@pytest.mark.django_db
def test_the_nightly_task_runs_every_user(owner, bob):
    talk(ContactFactory(owner=owner), timezone.now() - timedelta(hours=5))
    talk(ContactFactory(owner=bob), timezone.now() - timedelta(hours=5))
    report = tasks.run_rules_for_all_users.apply().get()
    assert (report["users"], report["created"]) == (2, {"thank_you": 2})


@pytest.mark.django_db
def test_the_heartbeat_logs_a_line(caplog):
    with caplog.at_level(logging.INFO, logger="followups.tasks"):
        tasks.heartbeat.apply().get()
    assert "Beat heartbeat" in caplog.text


def test_the_tasks_retry_with_backoff_and_late_acks():
    for task in (tasks.run_rules_for_all_users, tasks.run_rules_for_contact):
        assert task.acks_late and task.retry_backoff and task.max_retries == 5
    schedule = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"followups.tasks.run_rules_for_all_users", "followups.tasks.heartbeat"} <= schedule


@pytest.mark.django_db(transaction=True)
def test_enqueueing_waits_for_the_commit_and_survives_a_broker_outage(owner, monkeypatch, caplog):
    sent = []

    def fail(*args, **kwargs):
        sent.append(kwargs["args"])
        raise OSError("connection refused")

    monkeypatch.setattr(tasks.run_rules_for_contact, "apply_async", fail)
    with transaction.atomic():
        enqueue_on_commit(tasks.run_rules_for_contact, 42)
        assert sent == []
    assert sent == [(42,)]
    assert "Could not queue followups.tasks.run_rules_for_contact" in caplog.text


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_end_to_end(owner, contact, tmp_path):
    talk(contact, timezone.now() - timedelta(hours=5))
    queue = f"engine-test-{uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url(),
        "DB_CONN_MAX_AGE": "0",
    }
    with log.open("w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue,
             "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--loglevel=INFO"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        tasks.run_rules_for_contact.apply_async(args=[contact.pk], queue=queue)
        tasks.heartbeat.apply_async(queue=queue)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not (
            FollowUp.objects.filter(contact=contact, kind=FollowUpKind.THANK_YOU).exists()
            and "Beat heartbeat" in log.read_text()
        ):
            assert worker.poll() is None, log.read_text()
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    text = log.read_text()
    assert FollowUp.objects.filter(contact=contact, kind=FollowUpKind.THANK_YOU).count() == 1, text
    assert "run_rules_for_contact" in text and "succeeded" in text
    assert "Beat heartbeat" in text
