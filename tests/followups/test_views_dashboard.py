from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from followups.models import FollowUpKind, FollowUpStatus
from interactions.choices import Channel, Purpose
from interactions.models import Interaction
from tests.factories import (
    AttendanceFactory,
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    ResourceFactory,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # a Wednesday
TODAY = date(2026, 3, 4)
HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def thank_you(owner, **contact_fields):
    contact = ContactFactory(owner=owner, **contact_fields)
    return FollowUpFactory(
        owner=owner,
        contact=contact,
        kind=FollowUpKind.THANK_YOU,
        reason="You met at the cardiology summit.",
        due_on=TODAY,
    )


def world(owner, size: int):
    """`size` people with a thank-you, a share and a check-in each, plus an event."""
    resource = ResourceFactory(owner=owner, title="Remote monitoring in heart failure")
    for n in range(size):
        contact = ContactFactory(owner=owner, availability_notes="Clinic Mon–Wed")
        FollowUpFactory(owner=owner, contact=contact, kind=FollowUpKind.THANK_YOU, due_on=TODAY)
        FollowUpFactory(
            owner=owner,
            contact=contact,
            kind=FollowUpKind.SHARE,
            resource=resource,
            due_on=TODAY + timedelta(days=n % 3),
        )
        other = ContactFactory(owner=owner)
        FollowUpFactory(
            owner=owner, contact=other, kind=FollowUpKind.CHECK_IN, due_on=TODAY - timedelta(n)
        )
    event = EventFactory(owner=owner, starts_on=TODAY + timedelta(days=5))
    for _ in range(size):
        AttendanceFactory(owner=owner, event=event, is_target=True, talking_points="Ask")


def row_post(client, name, followup, headers=None, **data):
    url = reverse(name, args=[followup.contact_id])
    return client.post(url, {"followup": [followup.pk], **data}, headers=headers or {})


def test_it_shows_a_row_with_everything_needed_to_act(alice_client, alice):
    followup = thank_you(
        alice,
        first_name="Amara",
        last_name="Okafor",
        title="Chief of Cardiology",
        institution="St. Mary's",
        preferred_channel=Channel.LINKEDIN,
        availability_notes="Clinic Mon–Wed",
        on_hold_until=TODAY + timedelta(days=3),
        on_hold_reason="two messages without a reply",
    )
    response = alice_client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dr. Amara Okafor, MD" in html
    assert "Chief of Cardiology, St. Mary&#x27;s" in html
    assert "A thank-you" in html
    assert "You met at the cardiology summit." in html
    assert "due today" in html
    assert "Prefers LinkedIn" in html
    assert "Clinic Mon–Wed" in html
    assert "Hold until 7 Mar: two messages without a reply" in html
    assert followup.contact.get_absolute_url() in html


def test_it_collapses_several_reasons_for_one_person_into_one_row(alice_client, alice):
    followup = thank_you(alice)
    resource = ResourceFactory(owner=alice, title="Triage in the ED")
    FollowUpFactory(
        owner=alice, contact=followup.contact, kind=FollowUpKind.SHARE, resource=resource
    )
    response = alice_client.get("/")
    html = response.content.decode()
    assert html.count(f'id="row-{followup.contact_id}"') == 1
    assert "A thank-you and share “Triage in the ED”" in html
    assert response.context["agenda"].total == 1


def test_it_explains_what_to_do_next_when_empty(alice_client):
    html = alice_client.get("/").content.decode()
    assert "all caught up" in html
    assert "Add the people you work with" in html
    assert "Log a meeting or call" in html


def test_it_keeps_the_number_of_queries_constant(alice_client, alice, django_assert_num_queries):
    world(alice, 2)
    # Session, user, preferences, the plan of every row, the rows shown, events, the
    # quick log's people.
    with django_assert_num_queries(7) as small:
        alice_client.get("/")
    world(alice, 20)
    with django_assert_num_queries(len(small.captured_queries)):
        response = alice_client.get("/")
    assert response.context["agenda"].total == 44


def test_it_shows_event_preparation(alice_client, alice):
    event = EventFactory(owner=alice, name="Heart Rhythm 2026", starts_on=TODAY + timedelta(9))
    AttendanceFactory(owner=alice, event=event, is_target=True, talking_points="Ablation data")
    AttendanceFactory(owner=alice, event=event, is_target=True)
    html = alice_client.get("/").content.decode()
    assert "Heart Rhythm 2026" in html
    assert "1 of 2 targets prepared" in html


def test_it_marks_a_row_done_inline_and_updates_the_counts(alice_client, alice):
    followup = thank_you(alice)
    other = thank_you(alice)
    response = row_post(alice_client, "row_done", followup, HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="row-{followup.contact_id}"' in html
    assert "Done: " in html
    assert 'id="count-thank_yous"' in html and 'hx-swap-oob="true"' in html
    assert '<strong id="agenda-total">1</strong>' in html
    assert "<html" not in html
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.DONE
    other.refresh_from_db()
    assert other.status == FollowUpStatus.OPEN
    assert not Interaction.objects.exists()


def test_it_logs_the_thank_you_when_asked(alice_client, alice):
    followup = thank_you(alice, preferred_channel=Channel.EMAIL)
    response = row_post(alice_client, "row_done", followup, HX, log="on", note="Sent slides")
    assert "Logged your email" in response.content.decode()
    interaction = Interaction.objects.get()
    assert interaction.purpose == Purpose.THANK_YOU
    assert interaction.summary == "Sent slides"


def test_it_marks_done_without_javascript_and_redirects(alice_client, alice):
    followup = thank_you(alice)
    response = row_post(alice_client, "row_done", followup)
    assert response.status_code == 302
    assert response.url == "/"
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.DONE
    page = alice_client.get("/")
    assert "Done: " in page.content.decode()


def test_it_snoozes_until_monday(alice_client, alice):
    followup = thank_you(alice)
    response = row_post(alice_client, "row_snooze", followup, HX, when="next_week")
    assert "until Monday 9 March" in response.content.decode()
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.SNOOZED
    assert followup.snoozed_until == date(2026, 3, 9)


def test_it_snoozes_to_a_chosen_date(alice_client, alice):
    followup = thank_you(alice)
    row_post(alice_client, "row_snooze", followup, when="date", until="2026-03-20")
    followup.refresh_from_db()
    assert followup.snoozed_until == date(2026, 3, 20)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"when": "date", "until": ""}, "Choose the date to bring it back."),
        ({"when": "date", "until": "2026-03-04"}, "Choose a date after today."),
        ({"when": "date", "until": "2027-06-01"}, "Choose a date within a year."),
        ({"when": "date", "until": "not a date"}, "Enter a valid date."),
        ({"when": "someday"}, "Select a valid choice."),
    ],
)
def test_it_refuses_a_bad_snooze_and_changes_nothing(alice_client, alice, data, message):
    followup = thank_you(alice)
    response = row_post(alice_client, "row_snooze", followup, HX, **data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'id="row-{followup.contact_id}"' in html
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.OPEN


def test_it_dismisses(alice_client, alice):
    followup = thank_you(alice)
    response = row_post(alice_client, "row_dismiss", followup, HX)
    assert "Dismissed" in response.content.decode()
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.DISMISSED


def test_it_answers_a_second_click_without_doing_anything_twice(alice_client, alice):
    followup = thank_you(alice)
    row_post(alice_client, "row_done", followup, HX, log="on")
    response = row_post(alice_client, "row_done", followup, HX, log="on")
    assert response.status_code == 200
    assert "Nothing left to do" in response.content.decode()
    assert Interaction.objects.count() == 1


def test_it_refuses_a_followup_of_another_person_in_the_row(alice_client, alice):
    followup = thank_you(alice)
    stranger = thank_you(alice)
    url = reverse("row_done", args=[followup.contact_id])
    alice_client.post(url, {"followup": [followup.pk, stranger.pk]})
    followup.refresh_from_db()
    stranger.refresh_from_db()
    assert followup.status == stranger.status == FollowUpStatus.OPEN


def test_it_checks_ownership(alice, bob_client):
    followup = thank_you(alice)
    for name in ("row_done", "row_snooze", "row_dismiss"):
        response = row_post(bob_client, name, followup, HX, when="tomorrow")
        assert response.status_code == 404
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.OPEN


def test_it_refuses_get_on_actions(alice_client, alice):
    followup = thank_you(alice)
    response = alice_client.get(reverse("row_done", args=[followup.contact_id]))
    assert response.status_code == 405


def test_it_renders_only_the_agenda_when_the_quick_log_asks(alice_client, alice):
    thank_you(alice)
    response = alice_client.get("/", headers={**HX, "HX-Target": "agenda"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="agenda"')
    assert "<html" not in html


def test_it_links_each_row_to_a_draft_for_its_first_reason(alice_client, alice):
    followup = thank_you(alice)
    html = alice_client.get("/").content.decode()
    assert f'href="/contacts/{followup.contact_id}/draft/?followup={followup.pk}"' in html
