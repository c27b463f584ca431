from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction

from contacts.models import Contact, Tier
from followups.models import FollowUp, FollowUpStatus, Preferences
from tests.factories import (
    CommitmentFactory,
    ConnectionFactory,
    ContactFactory,
    FollowUpFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_it_builds_the_display_name_with_honorific_and_credentials():
    contact = ContactFactory.build(
        honorific="Dr.",
        first_name="Jane",
        middle_name="Q.",
        last_name="Smith",
        credentials="MD, PhD",
    )
    assert contact.display_name == "Dr. Jane Q. Smith, MD, PhD"


def test_it_uses_the_tier_cadence_unless_the_contact_has_its_own():
    prefs = Preferences(cadence_close_days=21)
    assert ContactFactory.build(tier=Tier.CLOSE).effective_cadence_days(prefs) == 21
    assert (
        ContactFactory.build(tier=Tier.CLOSE, cadence_days=10).effective_cadence_days(prefs) == 10
    )


def test_it_creates_preferences_for_every_new_user():
    user = UserFactory()
    assert Preferences.objects.get(user=user).time_zone == "UTC"


def test_it_scopes_every_owned_queryset_to_its_owner():
    alice, bob = UserFactory(), UserFactory()
    mine = ContactFactory(owner=alice)
    ContactFactory(owner=bob)
    assert list(Contact.objects.for_user(alice)) == [mine]


def test_it_refuses_a_contact_without_name_or_email():
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactFactory(first_name="", last_name="", email="")


def test_it_refuses_a_duplicate_followup_key():
    followup = FollowUpFactory(dedupe_key="thank_you:1")
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpFactory(owner=followup.owner, contact=followup.contact, dedupe_key="thank_you:1")


def test_it_refuses_a_snooze_without_a_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpFactory(status=FollowUpStatus.SNOOZED, snoozed_until=None)


def test_it_refuses_a_connection_to_oneself():
    contact = ContactFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ConnectionFactory(owner=contact.owner, from_contact=contact, to_contact=contact)


def test_it_refuses_a_case_variant_duplicate_topic():
    topic = TopicFactory(name="Sepsis")
    with pytest.raises(IntegrityError), transaction.atomic():
        TopicFactory(owner=topic.owner, name="sepsis")


def test_it_refuses_a_commitment_due_before_it_was_made():
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitmentFactory(promised_on=date(2026, 5, 2), due_on=date(2026, 5, 1))


def test_it_treats_an_expired_snooze_as_actionable():
    today = date(2026, 11, 26)
    expired = FollowUpFactory(
        status=FollowUpStatus.SNOOZED, snoozed_until=today - timedelta(days=1)
    )
    FollowUpFactory(
        owner=expired.owner, status=FollowUpStatus.SNOOZED, snoozed_until=today + timedelta(days=1)
    )
    assert list(FollowUp.objects.for_user(expired.owner).actionable(today)) == [expired]
