from datetime import UTC, date, datetime

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from followups.calendar import build_calendar
from followups.models import (
    CommitmentDirection,
    CommitmentStatus,
    FollowUpKind,
    FollowUpStatus,
    Preferences,
)
from tests.factories import CommitmentFactory, ContactFactory, FollowUpFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)


def events(ics: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(ics)
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def feed_url(user) -> str:
    return reverse("calendar_feed", args=[Preferences.for_user(user).calendar_token])


def test_it_lists_open_followups_and_promises_with_due_dates(alice, bob):
    jane = ContactFactory(
        owner=alice,
        honorific="Dr.",
        first_name="Jane",
        last_name="Smith",
        credentials="",
        availability_notes="Clinic Mon–Wed",
        confidential_notes="secret divorce",
        notes="private-ish note",
    )
    FollowUpFactory(
        owner=alice,
        contact=jane,
        kind=FollowUpKind.THANK_YOU,
        reason="You met at the summit.",
        due_on=date(2026, 11, 27),
    )
    FollowUpFactory(
        owner=alice,
        contact=jane,
        kind=FollowUpKind.CHECK_IN,
        status=FollowUpStatus.SNOOZED,
        snoozed_until=date(2026, 12, 4),
        due_on=date(2026, 11, 20),
    )
    FollowUpFactory(
        owner=alice,
        contact=jane,
        kind=FollowUpKind.REPLY,
        status=FollowUpStatus.DONE,
        due_on=date(2026, 11, 20),
    )
    CommitmentFactory(
        owner=alice,
        contact=jane,
        description="Send the triage paper",
        promised_on=date(2026, 11, 20),
        due_on=date(2026, 11, 30),
    )
    CommitmentFactory(
        owner=alice,
        contact=jane,
        description="Intro to her fellow",
        direction=CommitmentDirection.THEY_OWE,
        promised_on=date(2026, 11, 20),
        due_on=date(2026, 12, 1),
    )
    CommitmentFactory(owner=alice, contact=jane, description="No date", due_on=None)
    CommitmentFactory(
        owner=alice,
        contact=jane,
        description="Already kept",
        status=CommitmentStatus.KEPT,
        completed_on=date(2026, 11, 21),
    )
    FollowUpFactory(owner=bob, contact=ContactFactory(owner=bob, last_name="Bobs"))

    ics = build_calendar(alice, now=NOW)

    found = events(ics)
    assert set(found) == {
        "Thank-you: Dr. Jane Smith",
        "Check-in: Dr. Jane Smith",
        "Promise to Dr. Jane Smith: Send the triage paper",
        "Dr. Jane Smith promised: Intro to her fellow",
    }
    thank_you = found["Thank-you: Dr. Jane Smith"]
    assert thank_you["dtstart"].dt == date(2026, 11, 27)
    assert thank_you["dtend"].dt == date(2026, 11, 28)
    assert "Clinic Mon–Wed" in str(thank_you["description"])
    assert found["Check-in: Dr. Jane Smith"]["dtstart"].dt == date(2026, 12, 4)  # the snooze
    assert b"secret divorce" not in ics and b"private-ish" not in ics and b"Bobs" not in ics


def test_it_lists_a_promise_once_even_with_its_followup(alice):
    commitment = CommitmentFactory(owner=alice, description="Send slides")
    FollowUpFactory(
        owner=alice, contact=commitment.contact, kind=FollowUpKind.COMMITMENT, commitment=commitment
    )
    assert len(events(build_calendar(alice, now=NOW))) == 1


def test_it_keeps_uids_stable_between_fetches(alice):
    FollowUpFactory(owner=alice)
    first = icalendar.Calendar.from_ical(build_calendar(alice, now=NOW)).walk("VEVENT")[0]
    again = icalendar.Calendar.from_ical(build_calendar(alice)).walk("VEVENT")[0]
    assert first["uid"] == again["uid"]


def test_it_builds_in_a_constant_number_of_queries(alice):
    counts = []
    for _ in range(2):
        FollowUpFactory.create_batch(3, owner=alice)
        CommitmentFactory.create_batch(3, owner=alice)
        with CaptureQueriesContext(connection) as queries:
            build_calendar(alice, now=NOW)
        counts.append(len(queries))
    assert counts[0] == counts[1] == 2


def test_it_serves_the_feed_without_a_login(client, alice):
    FollowUpFactory(owner=alice, kind=FollowUpKind.THANK_YOU)
    response = client.get(feed_url(alice))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"BEGIN:VCALENDAR" in response.content
    assert b"Thank-you" in response.content


@pytest.mark.parametrize("token", ["wrong", "x" * 43, "%00", "a.b", "x" * 65, "é"])
def test_it_404s_a_wrong_token(client, alice, token):
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_it_404s_an_inactive_users_feed(client, alice):
    url = feed_url(alice)
    alice.is_active = False
    alice.save()
    assert client.get(url).status_code == 404


def test_it_shows_the_feed_address_to_its_owner_only(alice_client, alice):
    response = alice_client.get(reverse("calendar_settings"))
    assert response.status_code == 200
    assert Preferences.for_user(alice).calendar_token in response.content.decode()


def test_it_needs_a_login_for_the_settings_page(client):
    assert client.get(reverse("calendar_settings")).status_code == 302
    assert client.post(reverse("calendar_regenerate")).status_code == 302


def test_it_regenerates_the_token_and_kills_the_old_address(alice_client, alice, bob):
    old_url = feed_url(alice)
    bobs_token = Preferences.for_user(bob).calendar_token
    response = alice_client.post(reverse("calendar_regenerate"))
    assert response.status_code == 302
    assert alice_client.get(old_url).status_code == 404
    assert alice_client.get(feed_url(alice)).status_code == 200
    assert Preferences.for_user(bob).calendar_token == bobs_token


def test_it_refuses_to_regenerate_with_get(alice_client, alice):
    token = Preferences.for_user(alice).calendar_token
    assert alice_client.get(reverse("calendar_regenerate")).status_code == 405
    assert Preferences.for_user(alice).calendar_token == token
