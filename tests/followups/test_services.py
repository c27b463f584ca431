from datetime import UTC, date, datetime, timedelta

import pytest

from followups.models import CommitmentStatus, FollowUpKind, FollowUpStatus
from followups.services import (
    FollowUpError,
    followup_dismiss,
    followup_done,
    followup_snooze,
    followups_done,
)
from interactions.choices import Channel, Direction, Purpose, Value, ValueKind
from interactions.models import Interaction
from tests.factories import (
    CommitmentFactory,
    ContactFactory,
    FollowUpFactory,
    ResourceFactory,
)

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
TODAY = date(2026, 3, 4)


@pytest.fixture
def contact(alice):
    return ContactFactory(owner=alice, preferred_channel=Channel.LINKEDIN)


def test_it_marks_a_followup_done_without_logging(alice, contact):
    followup = FollowUpFactory(owner=alice, contact=contact, kind=FollowUpKind.THANK_YOU)
    assert followup_done(followup, user=alice, now=NOW) is None
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.DONE
    assert followup.completed_at == NOW
    assert not Interaction.objects.exists()


def test_it_logs_the_thank_you_on_the_preferred_channel(alice, contact):
    followup = FollowUpFactory(owner=alice, contact=contact, kind=FollowUpKind.THANK_YOU)
    interaction = followup_done(
        followup, user=alice, now=NOW, log_interaction=True, note="  Thanked her for the tour "
    )
    assert interaction.contact == contact
    assert interaction.occurred_at == NOW
    assert interaction.channel == Channel.LINKEDIN
    assert interaction.direction == Direction.OUTBOUND
    assert interaction.purpose == Purpose.THANK_YOU
    assert interaction.value == Value.NEUTRAL
    assert interaction.summary == "Thanked her for the tour"
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.DONE


def test_it_logs_an_article_share_as_a_give_with_the_article(alice):
    contact = ContactFactory(owner=alice, preferred_channel="")
    resource = ResourceFactory(owner=alice, title="Triage in the ED")
    followup = FollowUpFactory(
        owner=alice, contact=contact, kind=FollowUpKind.SHARE, resource=resource
    )
    interaction = followup_done(followup, user=alice, now=NOW, log_interaction=True)
    assert interaction.channel == Channel.EMAIL
    assert interaction.purpose == Purpose.SHARE
    assert interaction.value == Value.GIVE
    assert interaction.value_kind == ValueKind.SHARED_ARTICLE
    assert interaction.resource == resource
    assert interaction.summary == "Shared “Triage in the ED”"


def test_it_logs_one_interaction_for_a_row_of_several_reasons(alice, contact):
    resource = ResourceFactory(owner=alice, title="Sepsis bundle")
    thanks = FollowUpFactory(owner=alice, contact=contact, kind=FollowUpKind.THANK_YOU)
    share = FollowUpFactory(
        owner=alice, contact=contact, kind=FollowUpKind.SHARE, resource=resource
    )
    interaction = followups_done([thanks, share], user=alice, now=NOW, log_interaction=True)
    assert Interaction.objects.count() == 1
    assert interaction.purpose == Purpose.THANK_YOU
    assert interaction.value == Value.GIVE
    assert interaction.resource == resource
    assert interaction.summary == "Thank-you; Shared “Sepsis bundle”"
    for followup in (thanks, share):
        followup.refresh_from_db()
        assert followup.status == FollowUpStatus.DONE


def test_it_logs_nothing_twice_for_a_double_click(alice, contact):
    followup = FollowUpFactory(owner=alice, contact=contact, kind=FollowUpKind.THANK_YOU)
    followup_done(followup, user=alice, now=NOW, log_interaction=True)
    assert followup_done(followup, user=alice, now=NOW, log_interaction=True) is None
    assert Interaction.objects.count() == 1


def test_it_refuses_another_users_followup_and_writes_nothing(alice, bob):
    followup = FollowUpFactory(owner=bob, kind=FollowUpKind.THANK_YOU)
    with pytest.raises(FollowUpError):
        followup_done(followup, user=alice, now=NOW, log_interaction=True)
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.OPEN
    assert not Interaction.objects.exists()


def test_it_refuses_followups_of_two_people_as_one_row(alice):
    one = FollowUpFactory(owner=alice)
    other = FollowUpFactory(owner=alice)
    with pytest.raises(FollowUpError):
        followups_done([one, other], user=alice, now=NOW)
    one.refresh_from_db()
    assert one.status == FollowUpStatus.OPEN


def test_it_rolls_back_the_done_when_logging_fails(alice, contact, monkeypatch):
    followup = FollowUpFactory(owner=alice, contact=contact, kind=FollowUpKind.THANK_YOU)

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("followups.services.interaction_log", broken)
    with pytest.raises(RuntimeError):
        followup_done(followup, user=alice, now=NOW, log_interaction=True)
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.OPEN
    assert followup.completed_at is None


def test_it_marks_the_promise_kept_when_its_followup_is_done(alice, contact):
    commitment = CommitmentFactory(
        owner=alice, contact=contact, promised_on=TODAY - timedelta(days=3), due_on=TODAY
    )
    followup = FollowUpFactory(
        owner=alice, contact=contact, kind=FollowUpKind.COMMITMENT, commitment=commitment
    )
    interaction = followup_done(followup, user=alice, now=NOW, log_interaction=True)
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.KEPT
    assert commitment.completed_on == TODAY
    assert commitment.kept_on_time is True
    assert interaction.value == Value.GIVE
    assert interaction.summary == "Kept my promise: Send the triage paper"


def test_it_snoozes_until_monday(alice, contact):
    followup = FollowUpFactory(owner=alice, contact=contact)
    followup_snooze(followup, until=date(2026, 3, 9))
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.SNOOZED
    assert followup.snoozed_until == date(2026, 3, 9)
    assert followup.effective_due_on() == date(2026, 3, 9)


def test_it_refuses_to_snooze_a_closed_followup(alice, contact):
    followup = FollowUpFactory(owner=alice, contact=contact, status=FollowUpStatus.DONE)
    with pytest.raises(FollowUpError):
        followup_snooze(followup, until=date(2026, 3, 9))
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.DONE
    assert followup.snoozed_until is None


def test_it_dismisses_and_clears_the_snooze(alice, contact):
    followup = FollowUpFactory(
        owner=alice, contact=contact, status=FollowUpStatus.SNOOZED, snoozed_until=TODAY
    )
    followup_dismiss(followup)
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.DISMISSED
    assert followup.snoozed_until is None
