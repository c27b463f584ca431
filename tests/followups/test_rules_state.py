"""Pacing holds and stale relationships: the flags on Contact, and the check-ins."""

from datetime import date, timedelta

import pytest

from contacts.models import Contact, Tier
from followups.models import FollowUpKind, FollowUpStatus
from interactions.choices import Channel, Direction
from tests.factories import ContactFactory, QuietPeriodFactory
from tests.followups.conftest import followups, local, run, talk, write

pytestmark = pytest.mark.django_db

NOW = local(2026, 11, 26, 9)


def reload(contact) -> Contact:
    return Contact.objects.get(pk=contact.pk)


# name, outbound messages (local), replies (local), expected (on_hold_until, reason part)
HOLD_CASES = [
    ("nothing sent", [], [], (None, "")),
    (
        "sent 3 days ago",
        [local(2026, 11, 23, 10)],
        [],
        (date(2026, 12, 6), "reached out on Mon Nov 23"),
    ),
    # 23:30 local is the next day in UTC: the hold counts from the local day.
    ("sent late evening", [local(2026, 11, 23, 23, 30)], [], (date(2026, 12, 6), "Nov 23")),
    ("gap exactly reached", [local(2026, 11, 12, 10)], [local(2026, 11, 13, 10)], (None, "")),
    ("gap reached, still waiting for a reply", [local(2026, 11, 12, 10)], [], (None, "")),
    (
        "two messages without a reply",
        [local(2026, 11, 1, 10), local(2026, 11, 10, 10)],
        [],
        (date(2026, 12, 7), "No reply to your last 2 messages"),
    ),
    (
        "two messages, then a reply",
        [local(2026, 11, 1, 10), local(2026, 11, 10, 10)],
        [local(2026, 11, 11, 10)],
        (None, ""),
    ),
    (
        "two unanswered, long ago",
        [local(2026, 9, 1, 10), local(2026, 9, 10, 10)],
        [],
        (None, ""),
    ),
]


@pytest.mark.parametrize(
    "sent,replies,expected", [c[1:] for c in HOLD_CASES], ids=[c[0] for c in HOLD_CASES]
)
def test_it_puts_contacts_on_hold_between_outreaches(owner, contact, sent, replies, expected):
    for at in sent:
        write(contact, at)
    for at in replies:
        write(contact, at, direction=Direction.INBOUND)
    run(owner, NOW)
    contact = reload(contact)
    assert contact.on_hold_until == expected[0]
    assert expected[1] in contact.on_hold_reason
    assert bool(contact.on_hold_reason) == bool(expected[1])


def test_it_holds_a_contact_during_their_busy_dates_and_releases_after(owner, contact):
    QuietPeriodFactory(
        owner=owner,
        contact=contact,
        starts_on=date(2026, 11, 20),
        ends_on=date(2026, 11, 30),
        reason="Boards exam week",
    )
    run(owner, NOW)
    contact = reload(contact)
    assert (contact.on_hold_until, contact.on_hold_reason) == (
        date(2026, 11, 30),
        "Boards exam week",
    )
    run(owner, local(2026, 12, 1, 9))
    contact = reload(contact)
    assert (contact.on_hold_until, contact.on_hold_reason) == (None, "")


def test_it_keeps_the_longer_of_a_busy_period_and_a_pacing_hold(owner, contact):
    write(contact, local(2026, 11, 25, 10))  # pacing: until Dec 8
    QuietPeriodFactory(
        owner=owner, contact=contact, starts_on=date(2026, 11, 20), ends_on=date(2026, 11, 30)
    )
    run(owner, NOW)
    assert reload(contact).on_hold_until == date(2026, 12, 8)


def test_it_keeps_last_two_way_and_outreach_timestamps(owner, contact):
    inbound = write(contact, local(2026, 11, 20), direction=Direction.INBOUND)
    outbound = write(contact, local(2026, 11, 22))
    write(contact, local(2026, 12, 20))  # logged for the future: not yet
    run(owner, NOW)
    contact = reload(contact)
    assert (contact.last_two_way_at, contact.last_outreach_at) == (
        inbound.occurred_at,
        outbound.occurred_at,
    )


# name, tier, custom cadence, last two-way (local), extra outbound (local), now, stale?
STALE_CASES = [
    ("close, 29 days", Tier.CLOSE, None, local(2026, 10, 28, 10), None, NOW, False),
    ("close, cadence exactly reached", Tier.CLOSE, None, local(2026, 10, 27, 10), None, NOW, True),
    ("regular, 90 days", Tier.REGULAR, None, local(2026, 8, 28, 10), None, NOW, True),
    ("regular, 89 days", Tier.REGULAR, None, local(2026, 8, 29, 10), None, NOW, False),
    ("custom cadence of 10", Tier.REGULAR, 10, local(2026, 11, 16, 10), None, NOW, True),
    ("custom cadence of 11", Tier.REGULAR, 11, local(2026, 11, 16, 10), None, NOW, False),
    (
        "my unanswered message does not count",
        Tier.CLOSE,
        None,
        local(2026, 10, 1, 10),
        local(2026, 11, 25, 10),
        NOW,
        True,
    ),
    # Feb 6 23:30 in Toronto is Feb 7 in UTC; 30 local days later is Mar 8, DST day.
    (
        "local midnight on DST day",
        Tier.CLOSE,
        None,
        local(2026, 2, 6, 23, 30),
        None,
        local(2026, 3, 8, 0, 30),
        True,
    ),
    (
        "just before that midnight",
        Tier.CLOSE,
        None,
        local(2026, 2, 6, 23, 30),
        None,
        local(2026, 3, 7, 23, 59),
        False,
    ),
    (
        "after the clocks change",
        Tier.CLOSE,
        None,
        local(2026, 2, 7, 0, 30),
        None,
        local(2026, 3, 9, 0, 10),
        True,
    ),
]


@pytest.mark.parametrize(
    "tier,cadence,last,outbound,now,stale",
    [c[1:] for c in STALE_CASES],
    ids=[c[0] for c in STALE_CASES],
)
def test_it_flags_stale_relationships(owner, tier, cadence, last, outbound, now, stale):
    contact = ContactFactory(owner=owner, tier=tier, cadence_days=cadence)
    talk(contact, last)
    if outbound:
        write(contact, outbound)
    # Long ago enough that no pacing hold stops the check-in in the cases that are stale.
    run(owner, now)
    contact = reload(contact)
    today = now.date()
    assert contact.stale_since == (today if stale else None)
    check_ins = [f.due_on for f in followups(owner, FollowUpKind.CHECK_IN)]
    expected = [] if not stale or outbound else [today]
    assert check_ins == expected


def test_it_does_not_flag_people_never_talked_to_archived_or_do_not_contact(owner):
    never = ContactFactory(owner=owner, tier=Tier.CLOSE)
    write(never, local(2026, 1, 5))
    archived = ContactFactory(owner=owner, tier=Tier.CLOSE, archived_at=NOW)
    blocked = ContactFactory(owner=owner, tier=Tier.CLOSE, do_not_contact=True)
    for contact in (archived, blocked):
        talk(contact, local(2026, 1, 5))
    run(owner, NOW)
    assert Contact.objects.filter(stale_since__isnull=False).count() == 0
    assert followups(owner) == []


def test_it_clears_stale_when_the_contact_is_archived_in_between(owner):
    contact = ContactFactory(owner=owner, tier=Tier.CLOSE)
    talk(contact, local(2026, 9, 1))
    run(owner, NOW)
    assert reload(contact).stale_since == NOW.date()
    Contact.objects.filter(pk=contact.pk).update(archived_at=NOW)
    run(owner, NOW + timedelta(days=1))
    assert reload(contact).stale_since is None
    assert len(followups(owner)) == 1  # the old check-in is left; the dashboard hides it


def test_it_clears_stale_and_closes_the_check_in_after_a_new_conversation(owner):
    contact = ContactFactory(owner=owner, tier=Tier.CLOSE)
    talk(contact, local(2026, 9, 1))
    run(owner, NOW)
    write(contact, local(2026, 11, 26, 8), direction=Direction.INBOUND)
    run(owner, NOW + timedelta(hours=1))
    assert reload(contact).stale_since is None
    assert [f.status for f in followups(owner)] == [FollowUpStatus.DONE]


def test_it_makes_one_check_in_per_stale_spell(owner):
    contact = ContactFactory(owner=owner, tier=Tier.CLOSE)
    talk(contact, local(2026, 9, 1))
    run(owner, NOW)
    (first,) = followups(owner)
    first.status = FollowUpStatus.DISMISSED
    first.save()
    run(owner, NOW + timedelta(days=3))
    assert [f.status for f in followups(owner)] == [FollowUpStatus.DISMISSED]
    # A new conversation, then a month of silence: a new spell, a new check-in.
    talk(contact, local(2026, 12, 1), channel=Channel.CALL)
    run(owner, local(2027, 1, 5))
    assert [f.status for f in followups(owner)] == [FollowUpStatus.DISMISSED, FollowUpStatus.OPEN]


def test_it_suggests_no_check_in_while_on_hold_and_resumes_after(owner):
    contact = ContactFactory(owner=owner, tier=Tier.CLOSE)
    talk(contact, local(2026, 9, 1))
    write(contact, local(2026, 11, 20))  # reached out 6 days ago: on hold until Dec 3
    run(owner, NOW)
    assert reload(contact).stale_since == NOW.date()
    assert followups(owner) == []
    run(owner, local(2026, 12, 4, 9))
    assert [f.kind for f in followups(owner)] == [FollowUpKind.CHECK_IN]


def test_it_suggests_nothing_new_during_the_users_quiet_period(owner):
    contact = ContactFactory(owner=owner, tier=Tier.CLOSE)
    talk(contact, local(2026, 9, 1))
    QuietPeriodFactory(owner=owner, starts_on=date(2026, 11, 20), ends_on=date(2026, 11, 30))
    run(owner, NOW)
    assert followups(owner) == []
    run(owner, local(2026, 12, 1, 9))
    assert [f.kind for f in followups(owner)] == [FollowUpKind.CHECK_IN]
