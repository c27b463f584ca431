"""Article shares: matched by interests, best first, within the daily limit, never twice."""

from datetime import date, timedelta

import pytest

from followups.models import FollowUpKind, FollowUpStatus
from followups.rules import suggest_shares_for_resource
from tests.factories import ContactFactory, QuietPeriodFactory, ResourceFactory, TopicFactory
from tests.followups.conftest import followups, local, run, write

pytestmark = pytest.mark.django_db

NOW = local(2026, 11, 26, 9)


@pytest.fixture
def topics(owner):
    return [TopicFactory(owner=owner, name=n) for n in ("sepsis", "AI triage", "wearables")]


def shares(owner):
    return [(f.resource_id, f.contact_id) for f in followups(owner, FollowUpKind.SHARE)]


def test_it_suggests_the_best_matches_first_within_the_daily_limit(owner, topics):
    sepsis, triage, wearables = topics
    article = ResourceFactory(owner=owner, topics=[sepsis, triage])
    one = ContactFactory(owner=owner, interests=[sepsis])
    both = ContactFactory(owner=owner, interests=[sepsis, triage])
    ContactFactory(owner=owner, interests=[wearables])
    owner.preferences.share_suggestions_per_day = 1
    owner.preferences.save()
    run(owner, NOW)
    assert shares(owner) == [(article.pk, both.pk)]
    run(owner, NOW + timedelta(hours=2))  # same day: the limit holds
    assert shares(owner) == [(article.pk, both.pk)]
    run(owner, NOW + timedelta(days=1))
    assert shares(owner) == [(article.pk, both.pk), (article.pk, one.pk)]
    assert "2 of their interests" in followups(owner)[0].reason


@pytest.mark.parametrize(
    "contact_fields",
    [
        {"do_not_contact": True},
        {"archived_at": NOW},
        {"on_hold_until": date(2026, 11, 30)},
    ],
    ids=["do not contact", "archived", "on hold"],
)
def test_it_never_suggests_to_unreachable_or_paced_people(owner, topics, contact_fields):
    ResourceFactory(owner=owner, topics=topics[:1])
    contact = ContactFactory(owner=owner, interests=topics[:1], **contact_fields)
    if "on_hold_until" in contact_fields:
        write(contact, local(2026, 11, 24))  # the run recomputes the hold from this
    run(owner, NOW)
    assert shares(owner) == []


def test_it_never_suggests_one_resource_twice_to_one_person(owner, topics):
    article = ResourceFactory(owner=owner, topics=topics[:1])
    dismissed = ContactFactory(owner=owner, interests=topics[:1])
    shared = ContactFactory(owner=owner, interests=topics[:1])
    run(owner, NOW)
    suggestion = followups(owner)[0]
    suggestion.status = FollowUpStatus.DISMISSED
    suggestion.save()
    # Shared by hand before the suggestion got to them: the open suggestion closes.
    write(shared, local(2026, 11, 26, 8), resource=article)
    run(owner, NOW + timedelta(days=2))
    assert {f.contact_id: f.status for f in followups(owner)} == {
        dismissed.pk: FollowUpStatus.DISMISSED,
        shared.pk: FollowUpStatus.DONE,
    }


def test_it_suggests_a_new_resource_when_it_is_saved(owner, topics):
    old = ResourceFactory(owner=owner, topics=topics[:1])
    new = ResourceFactory(owner=owner, topics=topics[1:2])
    reader = ContactFactory(owner=owner, interests=topics[:2])
    report = suggest_shares_for_resource(new, now=NOW)
    assert shares(owner) == [(new.pk, reader.pk)]
    assert report.created == {FollowUpKind.SHARE: 1}
    assert old.pk not in {r for r, _ in shares(owner)}


def test_it_suggests_no_share_in_the_users_quiet_period(owner, topics):
    article = ResourceFactory(owner=owner, topics=topics[:1])
    ContactFactory(owner=owner, interests=topics[:1])
    QuietPeriodFactory(owner=owner, starts_on=date(2026, 11, 26), ends_on=date(2026, 11, 26))
    suggest_shares_for_resource(article, now=NOW)
    run(owner, NOW)
    assert shares(owner) == []


def test_it_does_not_suggest_other_users_resources(owner, bob, topics):
    ResourceFactory(owner=bob, topics=[TopicFactory(owner=bob, name="sepsis")])
    ContactFactory(owner=owner, interests=topics)
    run(owner, NOW)
    assert shares(owner) == []
