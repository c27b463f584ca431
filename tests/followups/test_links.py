"""Signed one-click links from the email: Done and Snooze per follow-up."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from followups.links import (
    ACTION_MAX_AGE,
    ACTION_SALT,
    ActionLinks,
    LinkError,
    action_token,
    action_url,
    read_action_token,
)
from followups.models import FollowUpStatus
from tests.factories import FollowUpFactory
from tests.security.test_pages import InlineCodeFinder

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 1, 15, 13, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def followup(alice):
    return FollowUpFactory(
        owner=alice,
        due_on=date(2026, 1, 15),
        reason="You met at grand rounds.",
        contact__confidential_notes="SECRET-LINK-NOTE",
    )


def link(followup, action="done") -> str:
    token = action_token(user_id=followup.owner_id, followup_id=followup.pk, action=action)
    return reverse("followup_email_action", args=[token])


def test_it_round_trips_a_token():
    token = action_token(user_id=3, followup_id=42, action="snooze")
    claim = read_action_token(token)
    assert (claim.user_id, claim.followup_id, claim.action) == (3, 42, "snooze")


def test_it_builds_absolute_urls(settings):
    settings.SITE_URL = "https://rapport.example"
    url = action_url(user_id=1, followup_id=2, action="done")
    assert url.startswith("https://rapport.example/email/followups/")


def test_many_links_at_once_are_the_same_links(settings):
    settings.SITE_URL = "https://rapport.example"
    links = ActionLinks()
    for followup_id, action in [(2, "done"), (99_999, "snooze")]:
        one = action_url(user_id=7, followup_id=followup_id, action=action)
        assert links.url(user_id=7, followup_id=followup_id, action=action) == one
    with pytest.raises(ValueError):
        links.url(user_id=7, followup_id=2, action="delete")


def test_it_refuses_an_unknown_action():
    with pytest.raises(ValueError):
        action_token(user_id=1, followup_id=2, action="delete")
    forged = signing.TimestampSigner(salt=ACTION_SALT).sign_object({"u": 1, "f": 2, "a": "delete"})
    with pytest.raises(LinkError):
        read_action_token(forged)


def test_it_shows_a_confirmation_on_get_and_changes_nothing(client, followup):
    response = client.get(link(followup))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Mark done" in page
    assert "You met at grand rounds." in page
    assert "SECRET-LINK-NOTE" not in page
    assert 'method="post"' in page
    finder = InlineCodeFinder()
    finder.feed(page)
    assert finder.problems == []
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.OPEN


def test_it_marks_done_on_post_without_being_logged_in(client, followup):
    url = link(followup)
    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == url
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.DONE
    assert followup.completed_at == NOW
    page = client.get(url).content.decode()
    assert "Marked done." in page
    assert "This follow-up is done" in page
    assert "Mark done</button>" not in page


def test_it_snoozes_three_days_in_the_users_zone_on_post(client, followup, alice):
    alice.preferences.time_zone = "Pacific/Auckland"  # already 16 January there
    alice.preferences.save()
    url = link(followup, "snooze")

    assert "Snooze until Monday 19 January" in client.get(url).content.decode()
    client.post(url)

    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.SNOOZED
    assert followup.snoozed_until == date(2026, 1, 19)
    assert "Snoozed until Monday 19 January" in client.get(url).content.decode()


def test_it_does_nothing_twice_on_a_second_click(client, followup):
    url = link(followup)
    client.post(url)
    followup.refresh_from_db()
    completed_at = followup.completed_at

    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        response = client.post(url)

    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.completed_at == completed_at


def test_it_tells_when_a_done_follow_up_can_no_longer_be_snoozed(client, followup):
    client.post(link(followup))

    response = client.post(link(followup, "snooze"), follow=True)

    assert "Only an open follow-up can be snoozed." in response.content.decode()
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.DONE


def test_it_explains_an_expired_link_and_changes_nothing(client, followup):
    url = link(followup)

    with time_machine.travel(NOW + ACTION_MAX_AGE + timedelta(minutes=1), tick=False):
        get = client.get(url)
        post = client.post(url)

    assert (get.status_code, post.status_code) == (410, 410)
    assert "This link has expired" in post.content.decode()
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.OPEN


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: token.replace(token.split(":")[0], token.split(":")[0][::-1]),
        lambda token: token.split(":")[0],
        lambda token: "not-a-token",
    ],
    ids=["signature", "payload", "unsigned", "garbage"],
)
def test_it_explains_a_tampered_link_and_changes_nothing(client, followup, tamper):
    token = action_token(user_id=followup.owner_id, followup_id=followup.pk, action="done")
    url = reverse("followup_email_action", args=[tamper(token)])

    response = client.post(url)

    assert response.status_code == 400
    assert "it may have been cut or changed" in response.content.decode()
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.OPEN


def test_it_acts_only_on_a_follow_up_of_the_user_the_link_names(client, alice, bob):
    bobs = FollowUpFactory(owner=bob, due_on=date(2026, 1, 15))
    token = action_token(user_id=alice.pk, followup_id=bobs.pk, action="done")
    url = reverse("followup_email_action", args=[token])

    get, post = client.get(url), client.post(url)

    assert (get.status_code, post.status_code) == (404, 404)
    assert "no longer exists" in post.content.decode()
    bobs.refresh_from_db()
    assert bobs.status == FollowUpStatus.OPEN


def test_it_refuses_a_link_opened_while_logged_in_as_someone_else(bob_client, followup):
    response = bob_client.post(link(followup))

    assert response.status_code == 403
    assert "sent to another account" in response.content.decode()
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.OPEN


def test_it_works_for_the_owner_when_logged_in(alice_client, followup):
    assert alice_client.post(link(followup)).status_code == 302
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.DONE


def test_it_answers_a_deleted_follow_up_clearly(client, followup):
    url = link(followup)
    followup.delete()

    response = client.get(url)

    assert response.status_code == 404
    assert "no longer exists" in response.content.decode()


def test_it_requires_the_csrf_token_from_the_confirmation_page(followup):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    url = link(followup)

    assert client.post(url).status_code == 403
    page = client.get(url).content.decode()
    csrf = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert client.post(url, {"csrfmiddlewaretoken": csrf}).status_code == 302
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.DONE


def test_it_refuses_other_methods(client, followup):
    assert client.put(link(followup)).status_code == 405
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.OPEN
