"""Event pages: list, create/edit, the event page with filters and targets, prep, met."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import ConnectionKind
from followups.models import FollowUp, FollowUpKind
from interactions.choices import Channel, Direction
from interactions.models import Attendance, Event, Interaction
from tests.factories import (
    AttendanceFactory,
    ConnectionFactory,
    ContactFactory,
    EventFactory,
    InteractionFactory,
    ResourceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 26, 15, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def future_event(owner, **kwargs):
    return EventFactory(
        owner=owner,
        starts_on=TODAY + timedelta(days=10),
        ends_on=TODAY + timedelta(days=12),
        **kwargs,
    )


def test_it_lists_upcoming_and_past_events_with_counts(alice, bob, alice_client):
    upcoming = future_event(alice, name="Heart Summit")
    EventFactory(owner=alice, name="Old Symposium", starts_on=date(2026, 1, 5), ends_on=None)
    EventFactory(
        owner=alice, name="Running Now", starts_on=TODAY - timedelta(days=1), ends_on=TODAY
    )
    AttendanceFactory(owner=alice, event=upcoming, is_target=True)
    AttendanceFactory(owner=alice, event=upcoming)
    future_event(bob, name="Bob's secret event")

    response = alice_client.get(reverse("event_list"))

    assert response.status_code == 200
    assert [e.name for e in response.context["upcoming"]] == ["Running Now", "Heart Summit"]
    assert [e.name for e in response.context["past"]] == ["Old Symposium"]
    assert response.context["upcoming"][1].attendee_count == 2
    assert response.context["upcoming"][1].target_count == 1
    assert b"secret" not in response.content


def test_it_creates_an_event(alice, alice_client):
    response = alice_client.post(
        reverse("event_create"),
        {
            "name": " Cardio Summit ",
            "kind": "conference",
            "starts_on": "2026-12-10",
            "ends_on": "2026-12-12",
            "location": "Montreal",
            "url": "",
            "goals": "Meet 3 HF docs",
        },
    )
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    assert event.owner == alice
    assert event.name == "Cardio Summit"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "  "}, "name", "This field is required."),
        (
            {"name": "X", "starts_on": "2026-12-10", "ends_on": "2026-12-01"},
            "ends_on",
            "The last day cannot be before the first day.",
        ),
        (
            {"name": "X", "ends_on": "2026-12-01"},
            "starts_on",
            "Give the first day too, or leave both empty.",
        ),
        ({"name": "X", "starts_on": "not a date"}, "starts_on", "Enter a valid date."),
        ({"name": "X", "url": "javascript:alert(1)"}, "url", "Enter a valid URL."),
        ({"name": "X", "kind": "party"}, "kind", "Select a valid choice."),
    ],
)
def test_it_refuses_a_bad_event_and_writes_nothing(alice_client, data, field, message):
    data = {"kind": "conference", **data}
    response = alice_client.post(reverse("event_create"), data)
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    assert message.encode() in response.content or message.replace("'", "&#x27;").encode() in (
        response.content
    )
    assert not Event.objects.exists()


def test_it_edits_an_event(alice, alice_client):
    event = future_event(alice)
    response = alice_client.post(
        reverse("event_edit", args=[event.pk]),
        {"name": "Renamed", "kind": "symposium", "starts_on": "2026-12-10", "ends_on": ""},
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.name, event.kind, event.ends_on) == ("Renamed", "symposium", None)


def test_it_checks_ownership(alice, bob_client):
    event = future_event(alice)
    attendance = AttendanceFactory(owner=alice, event=event)
    urls = [
        ("get", reverse("event_detail", args=[event.pk])),
        ("get", reverse("event_edit", args=[event.pk])),
        ("post", reverse("event_edit", args=[event.pk])),
        ("get", reverse("event_brief", args=[event.pk])),
        ("post", reverse("event_met", args=[event.pk])),
        ("post", reverse("event_attendance_target", args=[event.pk, attendance.pk])),
        ("post", reverse("event_attendance_prep", args=[event.pk, attendance.pk])),
    ]
    for method, url in urls:
        assert getattr(bob_client, method)(url, {"is_target": "1"}).status_code == 404, url
    attendance.refresh_from_db()
    assert not attendance.is_target


def test_it_404s_an_attendance_from_another_event(alice, alice_client):
    event = future_event(alice)
    other = AttendanceFactory(owner=alice, event=future_event(alice))
    url = reverse("event_attendance_target", args=[event.pk, other.pk])
    assert alice_client.post(url, {"is_target": "1"}).status_code == 404


def test_it_shows_attendees_with_network_badges(alice, alice_client):
    event = future_event(alice)
    known = AttendanceFactory(owner=alice, event=event, contact__last_name="Known").contact
    AttendanceFactory(owner=alice, event=event, contact__last_name="Stranger")
    InteractionFactory(owner=alice, contact=known, occurred_at=NOW - timedelta(days=30))

    response = alice_client.get(reverse("event_detail", args=[event.pk]))

    rows = {a.contact.last_name: a.in_network for a in response.context["page"]}
    assert rows == {"Known": True, "Stranger": False}
    assert b"In network" in response.content


def test_it_counts_only_interactions_before_the_event_as_in_network(alice, alice_client):
    event = EventFactory(owner=alice, starts_on=TODAY - timedelta(days=2), ends_on=TODAY)
    attendance = AttendanceFactory(owner=alice, event=event)
    InteractionFactory(owner=alice, contact=attendance.contact, occurred_at=NOW, event=event)
    response = alice_client.get(reverse("event_detail", args=[event.pk]))
    assert [a.in_network for a in response.context["page"]] == [False]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"specialty": "Oncology"}, {"Onco"}),
        ({"institution": "Mayo Clinic"}, {"Mayo"}),
        ({"network": "yes"}, {"Mayo"}),
        ({"network": "no"}, {"Onco", "Cardio"}),
        ({"targets": "on"}, {"Cardio"}),
        ({"specialty": "Cardiology", "network": "no"}, {"Cardio"}),
        ({"specialty": "Not offered"}, {"Onco", "Mayo", "Cardio"}),
    ],
)
def test_it_filters_attendees(alice, alice_client, query, expected):
    event = future_event(alice)
    AttendanceFactory(
        owner=alice, event=event, contact__last_name="Onco", contact__specialty="Oncology"
    )
    mayo = AttendanceFactory(
        owner=alice,
        event=event,
        contact__last_name="Mayo",
        contact__institution="Mayo Clinic",
        contact__specialty="Neurology",
    )
    AttendanceFactory(owner=alice, event=event, contact__last_name="Cardio", is_target=True)
    InteractionFactory(owner=alice, contact=mayo.contact)

    response = alice_client.get(reverse("event_detail", args=[event.pk]), query)

    assert response.status_code == 200
    assert {a.contact.last_name for a in response.context["page"]} == expected


def test_it_returns_only_the_attendee_table_to_htmx_filters(alice, alice_client):
    event = future_event(alice)
    AttendanceFactory(owner=alice, event=event, contact__specialty="Oncology")
    response = alice_client.get(
        reverse("event_detail", args=[event.pk]),
        {"specialty": "Oncology"},
        headers={"HX-Request": "true", "HX-Target": "attendees"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card" id="attendees"')
    assert "<html" not in html and 'id="targets"' not in html


def test_it_marks_a_target_with_a_plain_post(alice, alice_client):
    event = future_event(alice)
    attendance = AttendanceFactory(owner=alice, event=event)
    next_url = reverse("event_detail", args=[event.pk]) + "?specialty=Cardiology"
    response = alice_client.post(
        reverse("event_attendance_target", args=[event.pk, attendance.pk]),
        {"is_target": "1", "next": next_url},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{next_url}#attendee-{attendance.pk}"
    attendance.refresh_from_db()
    assert attendance.is_target


def test_it_does_not_redirect_off_site(alice, alice_client):
    event = future_event(alice)
    attendance = AttendanceFactory(owner=alice, event=event)
    response = alice_client.post(
        reverse("event_attendance_target", args=[event.pk, attendance.pk]),
        {"is_target": "1", "next": "https://evil.example/"},
    )
    assert response["Location"].startswith(event.get_absolute_url())


def test_it_toggles_a_target_inline_with_htmx(alice, alice_client):
    event = future_event(alice)
    attendance = AttendanceFactory(owner=alice, event=event, is_target=True)
    response = alice_client.post(
        reverse("event_attendance_target", args=[event.pk, attendance.pk]),
        {"is_target": "0", "next": event.get_absolute_url()},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith(f'<tr id="attendee-{attendance.pk}"')
    assert "Make target" in html
    assert "targets-changed" in json.loads(response["HX-Trigger"])
    attendance.refresh_from_db()
    assert not attendance.is_target


@pytest.mark.parametrize("value", ["", "yes", "2"])
def test_it_refuses_a_bad_target_value(alice, alice_client, value):
    event = future_event(alice)
    attendance = AttendanceFactory(owner=alice, event=event)
    response = alice_client.post(
        reverse("event_attendance_target", args=[event.pk, attendance.pk]), {"is_target": value}
    )
    assert response.status_code == 400
    attendance.refresh_from_db()
    assert not attendance.is_target


def test_it_refreshes_the_targets_section_for_htmx(alice, alice_client):
    event = future_event(alice)
    AttendanceFactory(owner=alice, event=event, is_target=True, contact__last_name="Tremblay")
    response = alice_client.get(
        reverse("event_detail", args=[event.pk]),
        headers={"HX-Request": "true", "HX-Target": "targets"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card" id="targets"')
    assert "Tremblay" in html and 'id="attendees"' not in html


def test_it_prefills_talking_points_with_suggestions(alice, alice_client):
    event = future_event(alice)
    hf = TopicFactory(owner=alice, name="heart failure")
    ResourceFactory(owner=alice, title="Remote monitoring trial", topics=[hf])
    target = ContactFactory(owner=alice, interests=[hf], recent_work="A talk on wearables")
    mutual = ContactFactory(
        owner=alice, first_name="Omar", last_name="Haddad", honorific="", credentials=""
    )
    ConnectionFactory(
        owner=alice, from_contact=mutual, to_contact=target, kind=ConnectionKind.COLLEAGUE
    )
    AttendanceFactory(owner=alice, event=event, contact=target, is_target=True)

    response = alice_client.get(reverse("event_detail", args=[event.pk]))

    html = response.content.decode()
    assert "Shared interest: heart failure — offer “Remote monitoring trial”" in html
    assert "Mutual connection: Omar Haddad, colleague" in html
    assert "- Ask about their recent work: A talk on wearables" in html  # in the textarea
    assert "Suggested, not saved yet" in html


def test_it_saves_prep_and_returns_the_card_to_htmx(alice, alice_client):
    event = future_event(alice)
    attendance = AttendanceFactory(owner=alice, event=event, is_target=True)
    response = alice_client.post(
        reverse("event_attendance_prep", args=[event.pk, attendance.pk]),
        {"goals": "Pilot intro", "talking_points": "- their HF clinic"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert html.strip().startswith(f'<article class="prep" id="target-{attendance.pk}"')
    assert "Saved" in html
    attendance.refresh_from_db()
    assert (attendance.goals, attendance.talking_points) == ("Pilot intro", "- their HF clinic")


def test_it_saves_prep_with_a_plain_post(alice, alice_client):
    event = future_event(alice)
    attendance = AttendanceFactory(owner=alice, event=event, is_target=True)
    response = alice_client.post(
        reverse("event_attendance_prep", args=[event.pk, attendance.pk]),
        {"goals": "G", "talking_points": "T"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#target-{attendance.pk}")
    attendance.refresh_from_db()
    assert attendance.goals == "G"


def test_it_refuses_overlong_prep_and_keeps_the_old_text(alice, alice_client):
    event = future_event(alice)
    attendance = AttendanceFactory(owner=alice, event=event, is_target=True, goals="old")
    response = alice_client.post(
        reverse("event_attendance_prep", args=[event.pk, attendance.pk]),
        {"goals": "x" * 4001, "talking_points": ""},
        headers={"HX-Request": "true"},
    )
    assert "Ensure this value has at most 4000 characters" in response.content.decode()
    attendance.refresh_from_db()
    assert attendance.goals == "old"


def test_it_renders_the_brief_with_targets_only(alice, alice_client):
    event = future_event(alice, goals="Find pilot sites")
    AttendanceFactory(
        owner=alice,
        event=event,
        is_target=True,
        contact__last_name="Target",
        talking_points="Ask about the HF clinic",
        contact__confidential_notes="private divorce",
    )
    AttendanceFactory(owner=alice, event=event, contact__last_name="Bystander")

    response = alice_client.get(reverse("event_brief", args=[event.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Target" in html and "Ask about the HF clinic" in html and "Find pilot sites" in html
    assert "Bystander" not in html
    assert "divorce" not in html
    assert "data-print" in html


def test_it_logs_a_conference_encounter_for_each_person_met(alice, alice_client):
    event = EventFactory(
        owner=alice, starts_on=TODAY - timedelta(days=3), ends_on=TODAY - timedelta(days=1)
    )
    met, also_met, missed = AttendanceFactory.create_batch(3, owner=alice, event=event)

    response = alice_client.post(
        reverse("event_met", args=[event.pk]), {"attendance": [met.pk, also_met.pk]}
    )

    assert response.status_code == 302
    interactions = Interaction.objects.filter(owner=alice).order_by("contact_id")
    assert [(i.contact_id, i.channel, i.direction, i.event_id) for i in interactions] == [
        (met.contact_id, Channel.CONFERENCE, Direction.MUTUAL, event.pk),
        (also_met.contact_id, Channel.CONFERENCE, Direction.MUTUAL, event.pk),
    ]
    # The event is over: the encounter is dated on its last day, not today.
    assert interactions[0].occurred_at == datetime(2026, 11, 25, 17, tzinfo=UTC)
    assert set(Attendance.objects.filter(met=True).values_list("pk", flat=True)) == {
        met.pk,
        also_met.pk,
    }
    assert not Attendance.objects.get(pk=missed.pk).met

    # The follow-up rules open a thank-you for each person met, and only for them.
    thank_yous = FollowUp.objects.for_user(alice).filter(kind=FollowUpKind.THANK_YOU)
    assert sorted(thank_yous.values_list("contact_id", "source_interaction__event_id")) == sorted(
        [(met.contact_id, event.pk), (also_met.contact_id, event.pk)]
    )

    # Ticking the same people again logs nothing twice.
    alice_client.post(reverse("event_met", args=[event.pk]), {"attendance": [met.pk]})
    assert Interaction.objects.count() == 2
    assert thank_yous.count() == 2


@pytest.mark.parametrize("bad", [[], ["abc"], ["999999"]])
def test_it_refuses_bad_met_ticks_and_writes_nothing(alice, alice_client, bad):
    event = EventFactory(owner=alice, starts_on=TODAY, ends_on=TODAY)
    AttendanceFactory(owner=alice, event=event)
    response = alice_client.post(
        reverse("event_met", args=[event.pk]), {"attendance": bad}, follow=True
    )
    assert response.status_code == 200
    assert list(response.context["messages"])[0].level_tag == "error"
    assert not Interaction.objects.exists()
    assert not Attendance.objects.filter(met=True).exists()


def test_it_refuses_an_attendance_of_another_event_in_the_met_form(alice, alice_client):
    event = EventFactory(owner=alice, starts_on=TODAY, ends_on=TODAY)
    AttendanceFactory(owner=alice, event=event)
    elsewhere = AttendanceFactory(owner=alice, event=EventFactory(owner=alice, starts_on=TODAY))
    alice_client.post(reverse("event_met", args=[event.pk]), {"attendance": [elsewhere.pk]})
    assert not Interaction.objects.exists()


def test_it_refuses_to_log_meetings_before_the_event(alice, alice_client):
    event = future_event(alice)
    attendance = AttendanceFactory(owner=alice, event=event)
    response = alice_client.post(
        reverse("event_met", args=[event.pk]), {"attendance": [attendance.pk]}, follow=True
    )
    assert "once the event has started" in response.content.decode()
    assert not Interaction.objects.exists()


def build_event(owner, size: int) -> Event:
    event = EventFactory(owner=owner, starts_on=TODAY, ends_on=TODAY)
    topic = TopicFactory(owner=owner)
    ResourceFactory(owner=owner, topics=[topic])
    for i in range(size):
        attendance = AttendanceFactory(
            owner=owner, event=event, is_target=i % 2 == 0, contact__interests=[topic]
        )
        InteractionFactory(owner=owner, contact=attendance.contact)
        ConnectionFactory(owner=owner, from_contact=attendance.contact)
    return event


@pytest.mark.parametrize("name", ["event_detail", "event_brief"])
def test_it_reads_the_page_in_a_constant_number_of_queries(
    alice, alice_client, django_assert_num_queries, name
):
    small, large = build_event(alice, 2), build_event(alice, 12)
    alice_client.get(reverse(name, args=[small.pk]))  # warm the session
    counts = []
    for event in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert alice_client.get(reverse(name, args=[event.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_num_queries(counts[0]):
        alice_client.get(reverse(name, args=[large.pk]))


def test_it_reads_the_event_list_in_a_constant_number_of_queries(alice, alice_client):
    counts = []
    for _ in range(2):
        build_event(alice, 3)
        with CaptureQueriesContext(connection) as queries:
            alice_client.get(reverse("event_list"))
        counts.append(len(queries))
    assert counts[0] == counts[1]
