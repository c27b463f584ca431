"""The engine as a whole: idempotent, statuses respected, bounded queries, per-user
isolation, and interaction_log bringing a contact up to date at once."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection

from contacts.demo import seed_demo
from contacts.models import Contact, Tier
from followups.models import CommitmentDirection, FollowUp, FollowUpKind, FollowUpStatus
from followups.rules import give_ask_balance, give_ask_balances, run_rules_for_all_users
from interactions.choices import Channel, Direction, Value
from interactions.services import interaction_log
from tests.factories import (
    CommitmentFactory,
    ContactFactory,
    ResourceFactory,
    TopicFactory,
)
from tests.followups.conftest import followups, local, run, snapshot, talk, write

pytestmark = pytest.mark.django_db

NOW = local(2026, 11, 26, 9)
ALL_KINDS = {
    FollowUpKind.THANK_YOU,
    FollowUpKind.SHARE,
    FollowUpKind.COMMITMENT,
    FollowUpKind.NUDGE,
    FollowUpKind.REPLY,
    FollowUpKind.CHECK_IN,
}


def test_it_gives_the_demo_user_every_kind_and_a_second_run_changes_nothing():
    seed_demo(users=1, contacts=40, now=NOW, set_password=False)
    demo = Contact.objects.first().owner
    first = run(demo, NOW)
    assert set(first.created) == ALL_KINDS
    before = snapshot(demo)
    contacts_before = list(Contact.objects.order_by("pk").values())
    second = run(demo, NOW)
    assert second.as_dict()["created_total"] == 0
    assert (second.closed, second.stale_flagged, second.stale_cleared, second.holds_changed) == (
        0,
        0,
        0,
        0,
    )
    assert snapshot(demo) == before
    assert list(Contact.objects.order_by("pk").values()) == contacts_before


def test_it_leaves_done_dismissed_and_snoozed_follow_ups_as_they_are(owner):
    people = [ContactFactory(owner=owner, tier=Tier.CLOSE) for _ in range(3)]
    for person in people:
        talk(person, local(2026, 9, 1))
    run(owner, NOW)
    yesterday = date(2026, 11, 25)
    states = [
        (FollowUpStatus.DONE, None),
        (FollowUpStatus.DISMISSED, None),
        (FollowUpStatus.SNOOZED, yesterday),  # snoozed until yesterday: due again, still snoozed
    ]
    for followup, (status, until) in zip(followups(owner), states, strict=True):
        followup.status, followup.snoozed_until = status, until
        followup.save()
    before = snapshot(owner)
    run(owner, NOW + timedelta(days=2))
    assert snapshot(owner) == before


def test_the_database_refuses_a_second_follow_up_with_the_same_key(owner, contact):
    talk(contact, local(2026, 11, 25))
    run(owner, NOW)
    (thanks,) = followups(owner)
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                owner=owner,
                contact=contact,
                kind=thanks.kind,
                reason="again",
                due_on=thanks.due_on,
                dedupe_key=thanks.dedupe_key,
            )
        ],
        ignore_conflicts=True,
    )
    assert len(followups(owner)) == 1


def build_network(owner, size: int) -> None:
    """`size` contacts, each with something for every rule to do."""
    topics = [TopicFactory(owner=owner, name=f"topic {i}") for i in range(3)]
    ResourceFactory(owner=owner, topics=topics[:2])
    ResourceFactory(owner=owner, topics=topics[1:])
    for i in range(size):
        person = ContactFactory(
            owner=owner, tier=Tier.CLOSE, cadence_days=10 + i % 3, interests=topics[: 1 + i % 3]
        )
        talk(person, local(2026, 9, 1))
        match i % 4:
            case 0:
                talk(person, local(2026, 11, 25), channel=Channel.CALL)
            case 1:
                write(person, local(2026, 11, 20), direction=Direction.INBOUND)
            case 2:
                write(person, local(2026, 11, 1))
                write(person, local(2026, 11, 10))
        CommitmentFactory(owner=owner, contact=person, promised_on=date(2026, 11, 1))
        CommitmentFactory(
            owner=owner,
            contact=person,
            direction=CommitmentDirection.THEY_OWE,
            promised_on=date(2026, 11, 1),
            due_on=date(2026, 11, 5),
        )


# Queries per run do not grow with the network: a first run (which inserts) and a
# second (which changes nothing), at two sizes.
@pytest.mark.parametrize("size", [4, 40])
def test_it_runs_in_a_fixed_number_of_queries(owner, size, django_assert_num_queries):
    build_network(owner, size)
    owner.preferences.share_suggestions_per_day = 100
    owner.preferences.save()
    jit_off = 1 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(27 + jit_off):
        first = run(owner, NOW)
    assert set(first.created) == ALL_KINDS
    with django_assert_num_queries(21 + jit_off):
        run(owner, NOW)


def test_it_logs_an_interaction_and_brings_the_contact_up_to_date_at_once(owner):
    contact = ContactFactory(owner=owner, tier=Tier.CLOSE)
    talk(contact, local(2026, 9, 1))
    talk(contact, local(2026, 11, 25), channel=Channel.CALL)
    run(owner, NOW)
    assert [f.kind for f in followups(owner)] == [FollowUpKind.THANK_YOU]
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        sent = interaction_log(
            owner=owner,
            contact=contact,
            occurred_at=NOW,
            channel=Channel.EMAIL,
            direction=Direction.OUTBOUND,
            summary="Thank you for the call!",
        )
    assert sent.reciprocity_warning is None
    assert [(f.kind, f.status) for f in followups(owner)] == [
        (FollowUpKind.THANK_YOU, FollowUpStatus.DONE)
    ]
    contact.refresh_from_db()
    assert (contact.last_outreach_at, contact.on_hold_until) == (NOW, date(2026, 12, 9))


def test_logging_a_two_way_interaction_clears_stale_and_its_check_in(owner):
    contact = ContactFactory(owner=owner, tier=Tier.CLOSE)
    talk(contact, local(2026, 9, 1))
    run(owner, local(2026, 11, 20))
    with time_machine.travel(NOW, tick=False):
        interaction_log(
            owner=owner,
            contact=contact,
            occurred_at=NOW - timedelta(hours=2),
            channel=Channel.EMAIL,
            direction=Direction.INBOUND,
        )
    contact.refresh_from_db()
    assert (contact.stale_since, contact.last_two_way_at) == (None, NOW - timedelta(hours=2))
    assert [f.status for f in followups(owner)] == [FollowUpStatus.DONE]


def test_it_flags_an_ask_to_someone_you_have_not_given_to(owner, contact):
    write(contact, local(2026, 10, 1), value=Value.ASK)
    write(contact, local(2026, 10, 5), value=Value.GIVE)
    first = interaction_log(
        owner=owner,
        contact=contact,
        occurred_at=NOW,
        channel=Channel.EMAIL,
        direction=Direction.OUTBOUND,
        value=Value.ASK,
    )
    assert first.reciprocity_warning.startswith("Give before you ask")
    balance = give_ask_balance(contact, now=NOW)
    assert (balance.gives, balance.asks, balance.needs_give) == (1, 2, True)


def test_it_counts_gives_and_asks_over_the_last_twelve_months(owner, bob):
    giver = ContactFactory(owner=owner)
    asker = ContactFactory(owner=owner)
    write(giver, local(2026, 6, 1), value=Value.GIVE)
    write(giver, local(2025, 6, 1), value=Value.ASK)  # over a year ago: not counted
    write(asker, local(2026, 6, 1), value=Value.ASK)
    write(asker, local(2026, 7, 1), value=Value.NEUTRAL)
    other = ContactFactory(owner=bob)
    write(other, local(2026, 6, 1), value=Value.ASK)
    balances = give_ask_balances(owner, now=NOW)
    assert {k: (v.gives, v.asks) for k, v in balances.items()} == {
        giver.pk: (1, 0),
        asker.pk: (0, 1),
    }
    assert balances[giver.pk].hint is None
    assert "asked 1 time and gave 0" in balances[asker.pk].hint


def test_it_runs_every_user_in_their_own_zone(owner, bob):
    bob.preferences.time_zone = "Asia/Tokyo"
    bob.preferences.save()
    mine = ContactFactory(owner=owner)
    theirs = ContactFactory(owner=bob)
    # 20:00 on Nov 25 in Toronto is 10:00 on Nov 26 in Tokyo.
    moment = local(2026, 11, 25, 20)
    talk(mine, moment)
    talk(theirs, moment)
    report = run_rules_for_all_users(now=NOW)
    assert report.users == 2 and report.failed_users == []
    assert [f.due_on for f in followups(owner)] == [date(2026, 11, 26)]
    assert [f.due_on for f in followups(bob)] == [date(2026, 11, 27)]
    assert {f.contact.owner_id for f in followups(bob)} == {bob.pk}
