"""The one-click email links (done/snooze, unsubscribe) are rate limited per address,
GET and POST alike: a guessing script gets 429s, other people are still served."""

from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse

from followups.links import action_token, unsubscribe_token
from followups.models import FollowUpStatus
from tests.factories import FollowUpFactory

pytestmark = pytest.mark.django_db

LIMIT = 120  # per hour and address, as in followups/digest_views.py
ATTACKER = "203.0.113.9"
NEIGHBOUR = "203.0.113.10"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_answers_429_to_an_address_guessing_action_tokens(client, method):
    guess = reverse("followup_email_action", args=["not-a-real-token"])
    for _ in range(LIMIT):
        response = getattr(client, method)(guess, REMOTE_ADDR=ATTACKER)
        assert response.status_code != 429
    response = getattr(client, method)(guess, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert b"Too many requests" in response.content
    # Counted per address: someone else's link still works.
    assert getattr(client, method)(guess, REMOTE_ADDR=NEIGHBOUR).status_code != 429


def test_a_limited_address_cannot_act_even_with_a_valid_link(client, alice):
    followup = FollowUpFactory(owner=alice, due_on=date(2026, 1, 15))
    token = action_token(user_id=alice.pk, followup_id=followup.pk, action="done")
    for _ in range(LIMIT):
        client.get(reverse("followup_email_action", args=["guess"]), REMOTE_ADDR=ATTACKER)
    response = client.post(reverse("followup_email_action", args=[token]), REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.OPEN


def test_it_limits_the_unsubscribe_link_on_get_and_post(client, alice):
    path = reverse("digest_unsubscribe", args=[unsubscribe_token(user_id=alice.pk)])
    for n in range(LIMIT):
        method = client.get if n % 2 else client.post
        assert method(path, REMOTE_ADDR=ATTACKER).status_code != 429
    assert client.get(path, REMOTE_ADDR=ATTACKER).status_code == 429
    assert client.post(path, REMOTE_ADDR=ATTACKER).status_code == 429
