from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from contacts.models import Topic
from followups.models import Commitment, CommitmentStatus, FollowUpKind, FollowUpStatus, Resource
from tests.factories import (
    CommitmentFactory,
    ContactFactory,
    FollowUpFactory,
    ResourceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
TODAY = date(2026, 3, 4)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_it_adds_a_promise(alice_client, alice):
    contact = ContactFactory(owner=alice)
    response = alice_client.post(
        reverse("commitment_create"),
        {
            "contact": contact.pk,
            "direction": "i_owe",
            "description": "Send the sepsis bundle slides",
            "promised_on": "2026-03-04",
            "due_on": "2026-03-06",
        },
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert commitment.owner == alice
    assert commitment.due_on == date(2026, 3, 6)
    page = alice_client.get(reverse("commitment_list")).content.decode()
    assert "Send the sepsis bundle slides" in page


def test_it_refuses_a_due_date_before_the_promise(alice_client, alice):
    contact = ContactFactory(owner=alice)
    response = alice_client.post(
        reverse("commitment_create"),
        {
            "contact": contact.pk,
            "direction": "i_owe",
            "description": "Slides",
            "promised_on": "2026-03-04",
            "due_on": "2026-03-01",
        },
    )
    assert response.status_code == 400
    assert "cannot be before the day it was promised" in response.content.decode()
    assert not Commitment.objects.exists()


def test_it_refuses_a_promise_to_another_users_contact(alice_client, bob):
    stranger = ContactFactory(owner=bob)
    response = alice_client.post(
        reverse("commitment_create"),
        {
            "contact": stranger.pk,
            "direction": "i_owe",
            "description": "x",
            "promised_on": "2026-03-04",
        },
    )
    assert response.status_code == 400
    assert not Commitment.objects.exists()


def test_it_marks_a_promise_kept_inline(alice_client, alice):
    commitment = CommitmentFactory(owner=alice, promised_on=TODAY, due_on=TODAY)
    followup = FollowUpFactory(
        owner=alice,
        contact=commitment.contact,
        kind=FollowUpKind.COMMITMENT,
        commitment=commitment,
    )
    url = reverse("commitment_close", args=[commitment.pk])
    response = alice_client.post(url, {"outcome": "kept"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li class="row" id="commitment-{commitment.pk}"')
    assert "Kept 4 Mar, on time" in html
    commitment.refresh_from_db()
    followup.refresh_from_db()
    assert commitment.status == CommitmentStatus.KEPT
    assert followup.status == FollowUpStatus.DONE


def test_it_marks_a_promise_broken_without_javascript(alice_client, alice):
    commitment = CommitmentFactory(owner=alice, promised_on=TODAY)
    response = alice_client.post(
        reverse("commitment_close", args=[commitment.pk]), {"outcome": "broken"}
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.BROKEN


def test_it_refuses_a_bad_outcome_and_changes_nothing(alice_client, alice):
    commitment = CommitmentFactory(owner=alice, promised_on=TODAY)
    url = reverse("commitment_close", args=[commitment.pk])
    response = alice_client.post(url, {"outcome": "maybe"}, headers={"HX-Request": "true"})
    assert "Choose kept or broken." in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.OPEN


def test_it_shows_the_kept_on_time_record(alice_client, alice):
    for on_time in (True, True, False):
        CommitmentFactory(
            owner=alice,
            promised_on=TODAY,
            status=CommitmentStatus.KEPT,
            completed_on=TODAY,
            kept_on_time=on_time,
        )
    html = alice_client.get(reverse("commitment_list")).content.decode()
    assert "You kept 2 of 3 promises on time." in html


def test_it_adds_an_article_with_new_and_existing_topics(alice_client, alice):
    cardiology = TopicFactory(owner=alice, name="Cardiology")
    response = alice_client.post(
        reverse("resource_create"),
        {
            "kind": "paper",
            "title": "Remote monitoring trial",
            "url": "https://example.org/trial",
            "summary": "Readmissions down a third.",
            "topics": [cardiology.pk],
            "new_topics": "heart failure, cardiology , ",
        },
    )
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.owner == alice
    assert sorted(t.name for t in resource.topics.all()) == ["Cardiology", "heart failure"]
    assert Topic.objects.filter(owner=alice).count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"url": "not a url"}, "Enter a valid URL."),
        ({"new_topics": "x" * 90}, "longer than 80 characters"),
    ],
)
def test_it_refuses_a_bad_article(alice_client, alice, overrides, message):
    data = {"kind": "article", "title": "T", "url": "", "summary": "", "new_topics": ""}
    response = alice_client.post(reverse("resource_create"), {**data, **overrides})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Resource.objects.exists()
    assert not Topic.objects.exists()


def test_it_edits_an_article_and_lists_it(alice_client, alice):
    resource = ResourceFactory(owner=alice, title="Old title")
    response = alice_client.post(
        reverse("resource_edit", args=[resource.pk]),
        {"kind": "article", "title": "New title", "url": "", "summary": "", "new_topics": ""},
    )
    assert response.status_code == 302
    assert "New title" in alice_client.get(reverse("resource_list")).content.decode()


def test_it_checks_ownership(alice, bob_client):
    resource = ResourceFactory(owner=alice)
    commitment = CommitmentFactory(owner=alice, promised_on=TODAY)
    for url in (
        reverse("resource_edit", args=[resource.pk]),
        reverse("commitment_edit", args=[commitment.pk]),
        reverse("commitment_close", args=[commitment.pk]),
    ):
        assert bob_client.post(url, {"outcome": "kept", "title": "x"}).status_code == 404
    assert "Remote monitoring" not in bob_client.get(reverse("resource_list")).content.decode()
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.OPEN
