"""Thank-yous, replies owed and promises kept: table-driven edge cases."""

from datetime import date, timedelta

import pytest

from followups.models import CommitmentDirection, CommitmentStatus, FollowUpKind, FollowUpStatus
from interactions.choices import Channel, Direction
from tests.factories import CommitmentFactory, ContactFactory
from tests.followups.conftest import followups, local, run, talk, write

pytestmark = pytest.mark.django_db

NOW = local(2026, 11, 26, 9)

# name, conversation (local time, channel), later interactions [(local time, channel,
# direction)], expected thank-you due date (None: no thank-you)
THANK_YOU_CASES = [
    ("meeting yesterday", (local(2026, 11, 25, 15), Channel.IN_PERSON), [], date(2026, 11, 26)),
    ("call", (local(2026, 11, 25, 15), Channel.CALL), [], date(2026, 11, 26)),
    ("video call", (local(2026, 11, 24, 15), Channel.VIDEO), [], date(2026, 11, 25)),
    ("conference", (local(2026, 11, 25, 15), Channel.CONFERENCE), [], date(2026, 11, 26)),
    # 23:30 in Toronto is 04:30 UTC the next day: the due date follows the local day.
    (
        "late evening meeting",
        (local(2026, 11, 24, 23, 30), Channel.IN_PERSON),
        [],
        date(2026, 11, 25),
    ),
    ("an email is no conversation", (local(2026, 11, 25, 15), Channel.EMAIL), [], None),
    (
        "outbound message after it",
        (local(2026, 11, 25, 15), Channel.IN_PERSON),
        [(local(2026, 11, 25, 18), Channel.EMAIL, Direction.OUTBOUND)],
        None,
    ),
    (
        "outbound before it does not count",
        (local(2026, 11, 25, 15), Channel.IN_PERSON),
        [(local(2026, 11, 25, 10), Channel.EMAIL, Direction.OUTBOUND)],
        date(2026, 11, 26),
    ),
    (
        "their message after it does not count",
        (local(2026, 11, 25, 15), Channel.IN_PERSON),
        [(local(2026, 11, 25, 18), Channel.EMAIL, Direction.INBOUND)],
        date(2026, 11, 26),
    ),
    ("too long ago", (local(2026, 11, 1, 15), Channel.IN_PERSON), [], None),
    ("logged ahead, in the future", (local(2026, 11, 27, 15), Channel.IN_PERSON), [], None),
]


@pytest.mark.parametrize(
    "meeting,later,expected", [c[1:] for c in THANK_YOU_CASES], ids=[c[0] for c in THANK_YOU_CASES]
)
def test_it_creates_a_thank_you_after_a_conversation(owner, contact, meeting, later, expected):
    source = talk(contact, meeting[0], channel=meeting[1])
    for at, channel, direction in later:
        talk(contact, at, channel=channel, direction=direction)
    run(owner, NOW)
    made = followups(owner, FollowUpKind.THANK_YOU)
    if expected is None:
        assert made == []
    else:
        assert [(f.due_on, f.source_interaction_id, f.status) for f in made] == [
            (expected, source.pk, FollowUpStatus.OPEN)
        ]


def test_it_computes_the_thank_you_due_date_in_the_users_zone_on_dst_day(owner, contact):
    # Toronto springs forward at 02:00 on 2026-03-08.
    talk(contact, local(2026, 3, 7, 23, 45))
    run(owner, local(2026, 3, 8, 12))
    assert [f.due_on for f in followups(owner)] == [date(2026, 3, 8)]


def test_it_uses_the_users_thank_you_window(owner, contact):
    owner.preferences.thank_you_window_days = 3
    owner.preferences.save()
    talk(contact, local(2026, 11, 25, 15))
    run(owner, NOW)
    assert followups(owner)[0].due_on == date(2026, 11, 28)


def test_it_owes_one_thank_you_for_the_latest_of_several_conversations(owner, contact):
    talk(contact, local(2026, 11, 20, 15))
    latest = talk(contact, local(2026, 11, 25, 15), channel=Channel.CALL)
    run(owner, NOW)
    assert [f.source_interaction_id for f in followups(owner)] == [latest.pk]


@pytest.mark.parametrize("change", ["archived", "do_not_contact"])
def test_it_owes_no_follow_up_to_archived_or_do_not_contact_people(owner, change):
    contact = ContactFactory(
        owner=owner,
        archived_at=NOW if change == "archived" else None,
        do_not_contact=change == "do_not_contact",
    )
    talk(contact, local(2026, 11, 25, 15))
    write(contact, local(2026, 11, 20), direction=Direction.INBOUND)
    CommitmentFactory(owner=owner, contact=contact, promised_on=date(2026, 11, 1))
    run(owner, NOW)
    assert followups(owner) == []


def test_it_closes_the_thank_you_when_a_message_goes_out_later(owner, contact):
    talk(contact, local(2026, 11, 25, 15))
    run(owner, NOW)
    write(contact, local(2026, 11, 26, 8))
    run(owner, NOW)
    (thanks,) = followups(owner)
    assert (thanks.status, thanks.completed_at) == (FollowUpStatus.DONE, NOW)


# name, inbound messages (local times), answers [(local time, direction)], now,
# expected [(index of the inbound it is for, due date)]
REPLY_CASES = [
    ("unanswered for three days", [local(2026, 11, 23, 10)], [], NOW, [(0, date(2026, 11, 25))]),
    ("only yesterday", [local(2026, 11, 25, 10)], [], NOW, []),
    # Received late on the 24th (local; the 25th in UTC): two local days have passed.
    ("window exactly reached", [local(2026, 11, 24, 23, 50)], [], NOW, [(0, date(2026, 11, 26))]),
    (
        "answered by email",
        [local(2026, 11, 20, 10)],
        [(local(2026, 11, 21, 10), Direction.OUTBOUND)],
        NOW,
        [],
    ),
    (
        "answered by a call",
        [local(2026, 11, 20, 10)],
        [(local(2026, 11, 21, 10), Direction.MUTUAL)],
        NOW,
        [],
    ),
    (
        "answered before a second message",
        [local(2026, 11, 18, 10), local(2026, 11, 22, 10)],
        [(local(2026, 11, 19, 10), Direction.OUTBOUND)],
        NOW,
        [(1, date(2026, 11, 24))],
    ),
    (
        "two unanswered messages: one reply, for the first",
        [local(2026, 11, 18, 10), local(2026, 11, 22, 10)],
        [],
        NOW,
        [(0, date(2026, 11, 20))],
    ),
    ("too old to chase", [local(2026, 9, 1, 10)], [], NOW, []),
]


@pytest.mark.parametrize(
    "inbound,answers,now,expected", [c[1:] for c in REPLY_CASES], ids=[c[0] for c in REPLY_CASES]
)
def test_it_creates_a_reply_follow_up_for_unanswered_messages(
    owner, contact, inbound, answers, now, expected
):
    messages = [write(contact, at, direction=Direction.INBOUND) for at in inbound]
    for at, direction in answers:
        write(contact, at, direction=direction)
    run(owner, now)
    assert [(f.source_interaction_id, f.due_on) for f in followups(owner)] == [
        (messages[i].pk, due) for i, due in expected
    ]


def test_it_does_not_reopen_a_dismissed_reply_when_they_write_again(owner, contact):
    write(contact, local(2026, 11, 18, 10), direction=Direction.INBOUND)
    run(owner, NOW)
    (reply,) = followups(owner)
    reply.status = FollowUpStatus.DISMISSED
    reply.save()
    write(contact, local(2026, 11, 22, 10), direction=Direction.INBOUND)
    run(owner, NOW)
    assert [f.status for f in followups(owner)] == [FollowUpStatus.DISMISSED]


def test_it_closes_the_reply_when_an_answer_is_logged_after_it_was_created(owner, contact):
    write(contact, local(2026, 11, 20, 10), direction=Direction.INBOUND)
    run(owner, NOW)
    write(contact, local(2026, 11, 26, 8))
    run(owner, NOW)
    assert [f.status for f in followups(owner)] == [FollowUpStatus.DONE]


# name, commitment fields, expected follow-up (kind, due) or None
PROMISE_CASES = [
    (
        "due in five days",
        {"due_on": date(2026, 12, 1)},
        (FollowUpKind.COMMITMENT, date(2026, 11, 30)),
    ),
    (
        "already overdue",
        {"due_on": date(2026, 11, 20)},
        (FollowUpKind.COMMITMENT, date(2026, 11, 19)),
    ),
    (
        "due the day it was made",
        {"due_on": date(2026, 11, 10)},
        (FollowUpKind.COMMITMENT, date(2026, 11, 10)),
    ),
    ("no due date", {"due_on": None}, (FollowUpKind.COMMITMENT, date(2026, 11, 17))),
    ("kept", {"status": CommitmentStatus.KEPT, "completed_on": date(2026, 11, 12)}, None),
    ("cancelled", {"status": CommitmentStatus.CANCELLED, "completed_on": date(2026, 11, 12)}, None),
    # Promises made to the user wait for the grace period (7 days) after their due date.
    (
        "they owe, due 7 days ago",
        {"direction": CommitmentDirection.THEY_OWE, "due_on": date(2026, 11, 19)},
        (FollowUpKind.NUDGE, date(2026, 11, 26)),
    ),
    (
        "they owe, due 6 days ago",
        {"direction": CommitmentDirection.THEY_OWE, "due_on": date(2026, 11, 20)},
        None,
    ),
    ("they owe, undated", {"direction": CommitmentDirection.THEY_OWE, "due_on": None}, None),
]


@pytest.mark.parametrize(
    "fields,expected", [c[1:] for c in PROMISE_CASES], ids=[c[0] for c in PROMISE_CASES]
)
def test_it_follows_up_promises(owner, contact, fields, expected):
    commitment = CommitmentFactory(
        owner=owner, contact=contact, promised_on=date(2026, 11, 10), **fields
    )
    run(owner, NOW)
    made = [(f.kind, f.due_on, f.commitment_id) for f in followups(owner)]
    assert made == ([] if expected is None else [(*expected, commitment.pk)])


def test_it_closes_promise_follow_ups_when_the_promise_is_kept_or_broken(owner, contact):
    kept = CommitmentFactory(owner=owner, contact=contact, promised_on=date(2026, 11, 10))
    broken = CommitmentFactory(owner=owner, contact=contact, promised_on=date(2026, 11, 10))
    run(owner, NOW)
    for commitment, status in ((kept, CommitmentStatus.KEPT), (broken, CommitmentStatus.BROKEN)):
        commitment.status, commitment.completed_on = status, date(2026, 11, 20)
        commitment.save()
    run(owner, NOW + timedelta(hours=1))
    assert {f.commitment_id: f.status for f in followups(owner)} == {
        kept.pk: FollowUpStatus.DONE,
        broken.pk: FollowUpStatus.DISMISSED,
    }
