"""The nightly job runs every rule once per group of users who share the settings the
rules read, not once per user: it must make exactly what running each user alone
makes, in a number of queries that does not grow with the number of users."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Contact
from followups.models import FollowUp, Preferences
from followups.rules import run_rules, run_rules_for_all_users
from tests.factories import ContactFactory, QuietPeriodFactory, UserFactory
from tests.followups.conftest import local, talk
from tests.followups.test_rules_engine import ALL_KINDS, NOW, build_network

pytestmark = pytest.mark.django_db

FLAGS = ("last_two_way_at", "last_outreach_at", "on_hold_until", "on_hold_reason", "stale_since")


def make_user(username: str, *, zone: str = "America/Toronto", size: int = 4, **settings):
    user = UserFactory(username=username)
    Preferences.objects.update_or_create(user=user, defaults={"time_zone": zone, **settings})
    build_network(user, size)
    return user


def everything() -> list:
    followups = sorted(
        FollowUp.objects.values_list(
            "owner_id", "contact_id", "kind", "status", "due_on", "reason", "dedupe_key"
        )
    )
    contacts = list(Contact.objects.order_by("pk").values_list("pk", *FLAGS))
    return [followups, contacts]


def run_all(now=NOW):
    with time_machine.travel(now, tick=False):
        return run_rules_for_all_users(now=now)


def test_it_makes_what_running_each_user_alone_makes(owner):
    build_network(owner, 6)
    users = [
        owner,
        make_user("tokyo", zone="Asia/Tokyo", size=5),
        make_user("stingy", share_suggestions_per_day=1, min_outreach_gap_days=3),
        make_user("resting", size=3),
        make_user("patient", reply_window_days=5, cadence_close_days=60, unanswered_limit=0),
        make_user("neighbour", size=5),  # same settings as the owner: one group
    ]
    resting = users[3]
    QuietPeriodFactory(owner=resting, starts_on=date(2026, 11, 20), ends_on=date(2026, 11, 30))
    busy = ContactFactory(owner=users[1])
    talk(busy, local(2026, 8, 1))
    QuietPeriodFactory(
        owner=users[1], contact=busy, starts_on=date(2026, 11, 25), ends_on=date(2026, 12, 3)
    )
    flags_before = list(Contact.objects.order_by("pk").values_list("pk", *FLAGS))

    report = run_all()
    assert report.users == len(users) and report.failed_users == []
    assert set(report.created) == ALL_KINDS
    together = everything()

    FollowUp.objects.all().delete()
    for pk, *values in flags_before:
        Contact.objects.filter(pk=pk).update(**dict(zip(FLAGS, values, strict=True)))
    with time_machine.travel(NOW, tick=False):
        for user in users:
            run_rules(user, now=NOW)
    assert everything() == together

    # The quiet user got obligations but no suggestions; the stingy one one share.
    kinds = FollowUp.objects.filter(owner=resting).values_list("kind", flat=True)
    assert set(kinds) == {"thank_you", "reply", "commitment"}
    assert FollowUp.objects.filter(owner=users[2], kind="share").count() == 1


def test_a_second_run_changes_nothing(owner):
    build_network(owner, 4)
    make_user("tokyo", zone="Asia/Tokyo")
    run_all()
    before = everything()
    again = run_all(NOW + timedelta(minutes=5))
    assert again.created_total == 0 and again.closed == 0
    assert everything() == before


def test_its_query_count_does_not_grow_with_the_number_of_users(owner):
    build_network(owner, 4)
    make_user("tokyo", zone="Asia/Tokyo")
    with CaptureQueriesContext(connection) as few:
        run_all()
    FollowUp.objects.all().delete()
    for i in range(8):
        make_user(f"toronto{i}", size=2)
        make_user(f"tokyo{i}", zone="Asia/Tokyo", size=2)
    with CaptureQueriesContext(connection) as many:
        report = run_all()
    assert report.users == 18
    # Two groups (Toronto and Tokyo) either way.
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_user_whose_rules_fail_does_not_stop_the_others(owner):
    build_network(owner, 2)
    broken = make_user("broken", size=1)
    # A zone that no longer exists (saved before validation, or removed from tzdata).
    Preferences.objects.filter(user=broken).update(time_zone="Atlantis/Capital")
    report = run_all()
    assert report.users == 1 and report.failed_users == [broken.pk]
    assert FollowUp.objects.filter(owner=owner).exists()
    assert not FollowUp.objects.filter(owner=broken).exists()
