"""Redis down: every form still saves, quickly; the work that could not be queued runs
later (the heartbeat sweep catches it up), never lost."""

import csv
import io
import logging
import time
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from contacts.models import Contact, ImportBatch, ImportStatus
from followups import tasks
from followups.models import FollowUp, FollowUpKind
from interactions.choices import Channel, Direction, Purpose, Value
from interactions.models import Interaction
from tests.factories import ContactFactory, TopicFactory

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _reset_broker_connections() -> None:
    # Pools made before the switch would otherwise be reused by the next publish. (Not
    # closed: kombu's registry keeps them per URL, and later tests reuse them.)
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_down(settings):
    """The broker and the cache point at a closed port, as when Redis has stopped."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    original = app.conf.broker_url
    app.conf.broker_url = CLOSED_PORT
    _reset_broker_connections()
    yield
    app.conf.broker_url = original
    _reset_broker_connections()


@pytest.fixture
def eager_worker():
    """Stands in for the worker once Redis is back: a published task runs at once."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def attendee_csv(rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["First Name", "Last Name", "Email", "Specialty", "Company"])
    for n in range(rows):
        writer.writerow([f"Ana{n}", f"Lima{n}", f"ana{n}@clinic.example.org", "Cardiology", "MUHC"])
    return out.getvalue().encode()


def csv_upload(rows: int) -> SimpleUploadedFile:
    return SimpleUploadedFile("attendees.csv", attendee_csv(rows), content_type="text/csv")


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_a_large_import_saved_with_redis_down_is_run_by_the_heartbeat_later(
    alice, alice_client, redis_down, settings, django_capture_on_commit_callbacks, caplog
):
    rows = settings.IMPORT_ASYNC_ROWS + 20
    # Warm-up (first request imports the importer's libraries): the timing below is
    # about the broker, not about a cold start.
    alice_client.post(reverse("import_upload"), {"file": csv_upload(2), "new_event": "Warm"})
    ImportBatch.objects.all().delete()
    upload = csv_upload(rows)
    response, elapsed = timed(
        lambda: alice_client.post(
            reverse("import_upload"), {"file": upload, "new_event": "Cardio Summit"}
        )
    )
    assert response.status_code == 302 and elapsed < 2, elapsed
    batch = ImportBatch.objects.get(owner=alice)
    assert batch.total_rows == rows

    with (
        caplog.at_level(logging.WARNING, logger="config.queue"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response, elapsed = timed(
            lambda: alice_client.post(reverse("import_commit", args=[batch.pk]))
        )
    assert response.status_code == 302 and elapsed < 2, f"{elapsed:.2f}s with Redis down"
    assert "Could not queue contacts.tasks.commit_import" in caplog.text  # really down
    batch.refresh_from_db()
    assert batch.status == ImportStatus.QUEUED
    assert not Contact.objects.filter(owner=alice).exists()
    page = alice_client.get(reverse("import_result", args=[batch.pk]))
    assert page.status_code == 200


@pytest.mark.usefixtures("eager_worker")
def test_the_heartbeat_runs_an_import_left_queued_once_redis_is_back(alice, settings):
    from contacts.importers.services import import_claim, import_start

    rows = settings.IMPORT_ASYNC_ROWS + 20
    batch = import_start(owner=alice, created_by=alice, upload=csv_upload(rows), event=None)
    assert import_claim(batch=batch, queued=True)  # what the view did; the publish failed

    tasks.heartbeat.apply().get()  # within the minute: the real task may still be coming
    batch.refresh_from_db()
    assert batch.status == ImportStatus.QUEUED

    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        tasks.heartbeat.apply().get()
        tasks.heartbeat.apply().get()  # again: nothing runs twice
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    assert Contact.objects.filter(owner=alice).count() == rows
    assert batch.created_count == rows


def test_logging_an_interaction_with_redis_down_saves_it_and_opens_the_thank_you(
    alice, alice_client, redis_down
):
    contact = ContactFactory(owner=alice)
    data = {
        "contact": contact.pk,
        "channel": Channel.IN_PERSON,
        "direction": Direction.MUTUAL,
        "purpose": Purpose.MEETING,
        "value": Value.NEUTRAL,
        "occurred_on": timezone.localdate().isoformat(),
        "summary": "Met at the cardiology grand rounds",
    }
    alice_client.get("/log/")  # warm-up: the timing is about Redis, not a cold start
    for headers in ({}, {"HX-Request": "true"}):
        response, elapsed = timed(lambda h=headers: alice_client.post("/log/", data, headers=h))
        assert response.status_code in (200, 302) and elapsed < 2, (headers, elapsed)
    logged = Interaction.objects.filter(owner=alice, contact=contact)
    assert logged.count() == 2
    thank_yous = FollowUp.objects.filter(owner=alice, kind=FollowUpKind.THANK_YOU)
    # The rules ran in the request: each meeting has its thank-you, nothing waits on Redis.
    assert sorted(thank_yous.values_list("source_interaction_id", flat=True)) == sorted(
        logged.values_list("pk", flat=True)
    )


def test_saving_a_resource_with_redis_down_suggests_it_at_once(alice, alice_client, redis_down):
    topic = TopicFactory(owner=alice, name="remote monitoring")
    contact = ContactFactory(owner=alice)
    contact.interests.set([topic])
    data = {
        "kind": "article",
        "title": "Remote monitoring after discharge",
        "url": "https://example.org/rm",
        "summary": "A trial",
        "topics": [topic.pk],
    }
    alice_client.get(reverse("resource_create"))  # warm-up
    response, elapsed = timed(lambda: alice_client.post(reverse("resource_create"), data))
    assert response.status_code == 302 and elapsed < 2, elapsed
    share = FollowUp.objects.get(owner=alice, kind=FollowUpKind.SHARE)
    assert share.contact == contact and share.resource.title == data["title"]


@pytest.mark.usefixtures("eager_worker")
def test_an_import_whose_worker_was_killed_mid_commit_is_taken_over_after_the_lease(alice):
    """A killed worker's transaction rolled back: the batch is RUNNING with nothing
    written. Within the lease nobody touches it; after it, the heartbeat runs it once."""
    from contacts.importers.services import CLAIM_LEASE, import_claim, import_start

    batch = import_start(owner=alice, created_by=alice, upload=csv_upload(40), event=None)
    assert import_claim(batch=batch)  # the killed worker's claim
    assert not import_claim(batch=batch)  # a redelivered task within the lease: refused

    tasks.heartbeat.apply().get()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.RUNNING
    assert not Contact.objects.filter(owner=alice).exists()

    with time_machine.travel(timezone.now() + CLAIM_LEASE + timedelta(minutes=1)):
        tasks.heartbeat.apply().get()
        tasks.heartbeat.apply().get()  # again: nothing runs twice
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    assert Contact.objects.filter(owner=alice).count() == 40


def test_a_run_that_lost_its_claim_writes_nothing(alice):
    """The first run was only slow: a second run took over. When the first reaches its
    commit it finds the claim is no longer its own and writes nothing."""
    from contacts.importers.services import CLAIM_LEASE, import_claim, import_commit, import_start

    batch = import_start(owner=alice, created_by=alice, upload=csv_upload(5), event=None)
    assert import_claim(batch=batch)
    slow = ImportBatch.objects.get(pk=batch.pk)
    slow.claimed_at = batch.claimed_at
    later = timezone.now() + CLAIM_LEASE + timedelta(minutes=1)
    taker = ImportBatch.objects.get(pk=batch.pk)
    assert import_claim(batch=taker, now=later)
    import_commit(batch=taker)
    import_commit(batch=slow)
    assert Contact.objects.filter(owner=alice).count() == 5
    assert ImportBatch.objects.get(pk=batch.pk).created_count == 5
