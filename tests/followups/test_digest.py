"""The digest job: who is due, exactly once, empty days, failures and retries."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from followups import digest
from followups.digest import MAX_ATTEMPTS, send_due_digests
from followups.models import DigestDelivery, DigestStatus, FollowUp, FollowUpKind, Preferences
from tests.factories import (
    DigestDeliveryFactory,
    FollowUpFactory,
    InteractionFactory,
    UserFactory,
)
from tests.followups.digest_support import FLAKY_MAILERS, FlakyBackend, digest_user

pytestmark = pytest.mark.django_db


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def run_at(moment: datetime):
    with time_machine.travel(moment, tick=False):
        return send_due_digests(now=moment)


def test_it_sends_a_due_digest_once_and_records_it(mailoutbox):
    alice = digest_user("alice", due_on=date(2026, 1, 15), followups=2)
    moment = utc(2026, 1, 15, 8)

    first = run_at(moment)
    second = run_at(moment + timedelta(minutes=15))

    assert (first.sent, second.sent, second.skipped) == (1, 0, 0)
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]
    delivery = DigestDelivery.objects.get(user=alice)
    assert delivery.local_date == date(2026, 1, 15)
    assert delivery.status == DigestStatus.SENT
    assert delivery.attempts == 1
    assert delivery.sent_at == moment
    assert delivery.item_count == 1  # two follow-ups for one person make one row


def test_it_waits_for_the_local_digest_hour(mailoutbox):
    digest_user("alice", hour=9, due_on=date(2026, 1, 15))

    assert run_at(utc(2026, 1, 15, 8, 59)).sent == 0
    assert not DigestDelivery.objects.exists()
    assert run_at(utc(2026, 1, 15, 9, 0)).sent == 1


# Each user's digest hour is 7. The job runs every 15 minutes from 12:00 UTC on
# 14 January 2026 to 23:45 UTC on the 15th; a user whose hour had already passed when
# the window opened gets that day's digest at once.
EXPECTED_SENDS = {
    "America/Montreal": {  # UTC-5
        date(2026, 1, 14): utc(2026, 1, 14, 12, 0),
        date(2026, 1, 15): utc(2026, 1, 15, 12, 0),
    },
    "Pacific/Honolulu": {  # UTC-10
        date(2026, 1, 14): utc(2026, 1, 14, 17, 0),
        date(2026, 1, 15): utc(2026, 1, 15, 17, 0),
    },
    "Asia/Kolkata": {  # UTC+5:30: 17:30 local when the window opens
        date(2026, 1, 14): utc(2026, 1, 14, 12, 0),
        date(2026, 1, 15): utc(2026, 1, 15, 1, 30),
    },
    "Pacific/Auckland": {  # UTC+13 in summer: already the 15th when the window opens
        date(2026, 1, 15): utc(2026, 1, 14, 18, 0),
        date(2026, 1, 16): utc(2026, 1, 15, 18, 0),
    },
}


def run_every_quarter_hour(start: datetime, end: datetime) -> None:
    moment = start
    while moment <= end:
        run_at(moment)
        moment += timedelta(minutes=15)


def sends_by_user() -> dict[str, dict[date, datetime]]:
    found: dict[str, dict[date, datetime]] = {}
    for delivery in DigestDelivery.objects.filter(status=DigestStatus.SENT).select_related(
        "user__preferences"
    ):
        zone = delivery.user.preferences.time_zone
        found.setdefault(zone, {})[delivery.local_date] = delivery.sent_at
    return found


def test_it_sends_at_each_users_local_hour_across_time_zones(mailoutbox):
    for index, zone in enumerate(EXPECTED_SENDS):
        digest_user(f"user{index}", time_zone=zone, due_on=date(2026, 1, 14))

    run_every_quarter_hour(utc(2026, 1, 14, 12), utc(2026, 1, 15, 23, 45))

    assert sends_by_user() == EXPECTED_SENDS
    assert len(mailoutbox) == 8


def test_it_follows_the_clock_change_in_spring(mailoutbox):
    # Montreal moves from UTC-5 to UTC-4 at 02:00 on Sunday 8 March 2026.
    digest_user("seven", time_zone="America/Montreal", hour=7, due_on=date(2026, 3, 7))
    # 02:00 does not exist that night: the 02:00 digest goes out at 03:00 EDT.
    digest_user("two", time_zone="America/Montreal", hour=2, due_on=date(2026, 3, 7))

    run_every_quarter_hour(utc(2026, 3, 7, 5), utc(2026, 3, 9, 6))  # midnight to 02:00

    sent = {
        (d.user.username, d.local_date): d.sent_at
        for d in DigestDelivery.objects.select_related("user")
    }
    assert sent == {
        ("seven", date(2026, 3, 7)): utc(2026, 3, 7, 12, 0),  # 07:00 EST
        ("seven", date(2026, 3, 8)): utc(2026, 3, 8, 11, 0),  # 07:00 EDT
        ("two", date(2026, 3, 7)): utc(2026, 3, 7, 7, 0),  # 02:00 EST
        ("two", date(2026, 3, 8)): utc(2026, 3, 8, 7, 0),  # 03:00 EDT, right after 01:59 EST
        ("two", date(2026, 3, 9)): utc(2026, 3, 9, 6, 0),  # 02:00 EDT
    }
    assert len(mailoutbox) == 5


def test_it_sends_once_when_the_autumn_clock_change_repeats_the_hour(mailoutbox):
    # On 1 November 2026 Montreal lives 01:00–02:00 twice (EDT, then EST).
    digest_user("one", time_zone="America/Montreal", hour=1, due_on=date(2026, 11, 1))

    run_every_quarter_hour(utc(2026, 11, 1, 4), utc(2026, 11, 1, 7))

    delivery = DigestDelivery.objects.get()
    assert delivery.local_date == date(2026, 11, 1)
    assert delivery.sent_at == utc(2026, 11, 1, 5, 0)  # 01:00 EDT, the first one
    assert len(mailoutbox) == 1


def test_it_does_not_send_an_empty_digest_but_records_the_day(mailoutbox):
    alice = digest_user("alice")

    run = run_at(utc(2026, 1, 15, 8))
    run_at(utc(2026, 1, 15, 9))

    assert (run.sent, run.empty) == (0, 1)
    assert mailoutbox == []
    delivery = DigestDelivery.objects.get(user=alice)
    assert delivery.status == DigestStatus.EMPTY


def test_it_sends_an_empty_digest_when_the_user_asks_for_it(mailoutbox):
    digest_user("alice", send_empty=True)

    assert run_at(utc(2026, 1, 15, 8)).sent == 1
    assert mailoutbox[0].subject.startswith("Nothing due today")
    assert "Nothing is due today" in mailoutbox[0].body


@pytest.mark.parametrize(
    "change",
    [
        {"preferences": {"digest_enabled": False}},
        {"user": {"email": ""}},
        {"user": {"is_active": False}},
    ],
    ids=["digest off", "no email address", "inactive account"],
)
def test_it_skips_users_who_cannot_or_do_not_want_the_email(mailoutbox, change):
    alice = digest_user("alice", due_on=date(2026, 1, 15))
    Preferences.objects.filter(user=alice).update(**change.get("preferences", {}))
    type(alice).objects.filter(pk=alice.pk).update(**change.get("user", {}))

    run = run_at(utc(2026, 1, 15, 8))

    assert (run.sent, run.empty, run.failed) == (0, 0, 0)
    assert mailoutbox == []
    assert not DigestDelivery.objects.exists()


def test_it_skips_a_user_whose_stored_time_zone_is_unknown(mailoutbox):
    digest_user("alice", due_on=date(2026, 1, 15))
    digest_user("bob", due_on=date(2026, 1, 15), time_zone="Mars/Olympus_Mons")

    run = run_at(utc(2026, 1, 15, 8))

    assert run.sent == 1
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]


@pytest.fixture
def flaky_mailer(settings):
    settings.MAILERS = FLAKY_MAILERS
    mail.outbox = []
    FlakyBackend.failures = 0
    yield FlakyBackend
    FlakyBackend.failures = 0


def test_it_records_a_failure_after_the_claim_and_retries_once_after_backoff(flaky_mailer):
    alice = digest_user("alice", due_on=date(2026, 1, 15))
    flaky_mailer.failures = 1
    start = utc(2026, 1, 15, 8)

    failed = run_at(start)
    delivery = DigestDelivery.objects.get(user=alice)
    assert failed.failed == 1
    assert delivery.status == DigestStatus.FAILED
    assert delivery.attempts == 1
    assert "SMTPServerDisconnected" in delivery.error
    assert delivery.next_attempt_at == start + timedelta(minutes=5)
    assert mail.outbox == []

    assert run_at(start + timedelta(minutes=4)).sent == 0  # still backing off
    retried = run_at(start + timedelta(minutes=5))
    again = run_at(start + timedelta(minutes=30))

    delivery.refresh_from_db()
    assert (retried.sent, again.sent) == (1, 0)
    assert delivery.status == DigestStatus.SENT
    assert delivery.attempts == 2
    assert len(mail.outbox) == 1


def test_it_backs_off_longer_each_time_and_then_gives_up(flaky_mailer):
    alice = digest_user("alice", due_on=date(2026, 1, 15))
    flaky_mailer.failures = 100
    moment = utc(2026, 1, 15, 8)
    delays = []

    for _ in range(MAX_ATTEMPTS):
        run_at(moment)
        delivery = DigestDelivery.objects.get(user=alice)
        if delivery.next_attempt_at is None:
            break
        delays.append(delivery.next_attempt_at - moment)
        moment = delivery.next_attempt_at
    run_at(moment + timedelta(hours=3))

    delivery.refresh_from_db()
    assert delays == [timedelta(minutes=m) for m in (5, 10, 20, 40)]
    assert delivery.attempts == MAX_ATTEMPTS
    assert delivery.status == DigestStatus.FAILED
    assert delivery.next_attempt_at is None
    assert mail.outbox == []


def test_it_records_a_failure_to_build_and_retries(mailoutbox, monkeypatch):
    alice = digest_user("alice", due_on=date(2026, 1, 15))
    real_build = digest.build_agenda
    calls = []

    def build_that_crashes_once(user, *, today):
        calls.append(user)
        if len(calls) == 1:
            raise RuntimeError("database hiccup")
        return real_build(user, today=today)

    monkeypatch.setattr(digest, "build_agenda", build_that_crashes_once)

    run_at(utc(2026, 1, 15, 8))
    assert DigestDelivery.objects.get(user=alice).error == "RuntimeError: database hiccup"
    run_at(utc(2026, 1, 15, 8, 5))

    assert len(mailoutbox) == 1
    assert DigestDelivery.objects.get(user=alice).status == DigestStatus.SENT


def test_it_takes_over_a_claim_abandoned_before_sending(mailoutbox):
    alice = digest_user("alice", due_on=date(2026, 1, 15))
    moment = utc(2026, 1, 15, 8)
    DigestDeliveryFactory(
        user=alice, local_date=date(2026, 1, 15), claimed_at=moment - timedelta(minutes=11)
    )

    assert run_at(moment).sent == 1
    delivery = DigestDelivery.objects.get(user=alice)
    assert (delivery.status, delivery.attempts) == (DigestStatus.SENT, 1)


def test_it_leaves_a_fresh_claim_to_the_run_that_holds_it(mailoutbox):
    alice = digest_user("alice", due_on=date(2026, 1, 15))
    moment = utc(2026, 1, 15, 8)
    DigestDeliveryFactory(
        user=alice, local_date=date(2026, 1, 15), claimed_at=moment - timedelta(minutes=2)
    )

    run = run_at(moment)

    assert (run.sent, run.skipped) == (0, 0)
    assert mailoutbox == []


def test_it_never_resends_a_digest_that_may_have_reached_the_mail_server(mailoutbox):
    alice = digest_user("alice", due_on=date(2026, 1, 15))
    moment = utc(2026, 1, 15, 8)
    DigestDeliveryFactory(
        user=alice,
        local_date=date(2026, 1, 15),
        status=DigestStatus.SENDING,
        claimed_at=moment - timedelta(hours=5),
    )

    run_every_quarter_hour(moment, moment + timedelta(hours=4))

    assert mailoutbox == []


def test_it_sends_again_the_next_local_day(mailoutbox):
    digest_user("alice", due_on=date(2026, 1, 15))

    run_at(utc(2026, 1, 15, 8))
    run_at(utc(2026, 1, 16, 8))

    assert DigestDelivery.objects.filter(status=DigestStatus.SENT).count() == 2
    assert len(mailoutbox) == 2


def test_it_builds_each_digest_in_a_constant_number_of_queries(mailoutbox):
    few = digest_user("few", due_on=date(2026, 1, 15), followups=1)
    many = digest_user("many", due_on=date(2026, 1, 15), followups=1)
    for _ in range(9):
        FollowUpFactory(owner=many, due_on=date(2026, 1, 15))
    moment = utc(2026, 1, 15, 8)
    counts = {}
    for user in (few, many):
        preferences = Preferences.objects.select_related("user").get(user=user)
        with CaptureQueriesContext(connection) as queries:
            digest.deliver_digest(
                preferences,
                local_date=date(2026, 1, 15),
                now=moment,
                mailer=mail.mailers.default,
                run=digest.DigestRun(),
            )
        counts[user.username] = len(queries)

    assert counts["few"] == counts["many"]
    assert len(mailoutbox) == 2


def test_it_lists_only_due_users_in_one_query_per_time_zone():
    for index in range(3):
        digest_user(f"montreal{index}", time_zone="America/Montreal")
        digest_user(f"kolkata{index}", time_zone="Asia/Kolkata")
    UserFactory(username="not-yet")  # UTC, hour 7: not due at 06:00 UTC

    with CaptureQueriesContext(connection) as queries:
        due = digest.due_preferences(utc(2026, 1, 15, 6))

    assert sorted(p.user.username for p, _ in due) == ["kolkata0", "kolkata1", "kolkata2"]
    assert {local_date for _, local_date in due} == {date(2026, 1, 15)}
    assert len(queries) == 1 + 3  # the zones in use, then one per zone


def test_it_brings_follow_ups_up_to_date_before_building(mailoutbox):
    alice = digest_user("alice")
    moment = utc(2026, 1, 15, 8)
    # A meeting yesterday that no rule has seen yet: the digest run creates its thank-you.
    InteractionFactory(owner=alice, occurred_at=moment - timedelta(days=1))
    assert not FollowUp.objects.filter(owner=alice).exists()

    run = run_at(moment)

    assert run.sent == 1
    assert FollowUp.objects.filter(owner=alice, kind=FollowUpKind.THANK_YOU).exists()
    assert "a thank-you" in mailoutbox[0].body.lower()
