"""Several digest runs at once, on PostgreSQL: the (user, local date) claim lets exactly
one of them send each user's email."""

import threading
from datetime import UTC, date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from contacts.models import Contact
from followups.digest import send_due_digests
from followups.models import DigestDelivery, DigestStatus, FollowUp, FollowUpKind, Preferences
from tests.followups.digest_support import SMTPServer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

USERS = 100
RUNS = 6
NOW = datetime(2026, 1, 15, 13, tzinfo=UTC)


def make_users(count: int) -> None:
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"load{i}", email=f"load{i}@example.com", password="!") for i in range(count)
    )
    Preferences.objects.bulk_create(
        Preferences(user=user, time_zone="America/Montreal", digest_hour=7) for user in users
    )
    contacts = Contact.objects.bulk_create(
        Contact(owner=user, first_name="Ada", last_name=f"Lovelace {user.pk}") for user in users
    )
    FollowUp.objects.bulk_create(
        FollowUp(
            owner_id=contact.owner_id,
            contact=contact,
            kind=FollowUpKind.CHECK_IN,
            reason="It has been three months.",
            due_on=date(2026, 1, 15),
            dedupe_key="load",
        )
        for contact in contacts
    )


def test_it_sends_exactly_one_email_per_user_when_runs_overlap(settings):
    server = SMTPServer()
    server.start()
    settings.MAILERS = server.mailers_setting()
    make_users(USERS)
    start = threading.Barrier(RUNS)
    results, errors = [], []

    def run():
        try:
            start.wait()
            results.append(send_due_digests(now=NOW))
        except Exception as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(RUNS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        server.stop()

    assert errors == []
    assert len(results) == RUNS
    recipients = server.inbox.recipients()
    assert len(recipients) == USERS
    assert len(set(recipients)) == USERS
    assert sum(run.sent for run in results) == USERS
    assert sum(run.failed for run in results) == 0
    assert DigestDelivery.objects.filter(status=DigestStatus.SENT).count() == USERS
    assert set(DigestDelivery.objects.values_list("attempts", flat=True)) == {1}
    # The runs really overlapped: more than one of them sent something.
    assert sum(1 for run in results if run.sent) > 1
