from datetime import date

import pytest
from django.core.exceptions import ValidationError

from followups.commitments import (
    commitment_break,
    commitment_keep,
    kept_on_time_rate,
    kept_on_time_rates,
)
from followups.models import Commitment, CommitmentDirection, CommitmentStatus, FollowUpStatus
from tests.factories import CommitmentFactory, ContactFactory
from tests.followups.conftest import followups, local, run

pytestmark = pytest.mark.django_db

PROMISED = date(2026, 11, 10)
DUE = date(2026, 11, 20)


@pytest.fixture
def promise(owner, contact):
    return CommitmentFactory(owner=owner, contact=contact, promised_on=PROMISED, due_on=DUE)


@pytest.mark.parametrize(
    "due_on,kept_on,on_time",
    [
        (DUE, date(2026, 11, 19), True),
        (DUE, DUE, True),
        (DUE, date(2026, 11, 21), False),
        (None, date(2027, 1, 1), True),
    ],
    ids=["early", "on the day", "a day late", "undated"],
)
def test_it_keeps_a_promise_and_records_whether_it_was_on_time(
    owner, contact, due_on, kept_on, on_time
):
    promise = CommitmentFactory(owner=owner, contact=contact, promised_on=PROMISED, due_on=due_on)
    commitment_keep(promise, on=kept_on)
    promise.refresh_from_db()
    assert (promise.status, promise.completed_on, promise.kept_on_time) == (
        CommitmentStatus.KEPT,
        kept_on,
        on_time,
    )


def test_it_closes_the_promise_follow_up_as_done_or_dismissed(owner, contact, promise):
    other = CommitmentFactory(owner=owner, contact=contact, promised_on=PROMISED, due_on=DUE)
    run(owner, local(2026, 11, 12))
    commitment_keep(promise, on=date(2026, 11, 15))
    commitment_break(other, on=date(2026, 11, 25))
    assert {f.commitment_id: f.status for f in followups(owner)} == {
        promise.pk: FollowUpStatus.DONE,
        other.pk: FollowUpStatus.DISMISSED,
    }
    other.refresh_from_db()
    assert (other.status, other.kept_on_time) == (CommitmentStatus.BROKEN, False)


@pytest.mark.parametrize(
    "setup,on,message",
    [
        ("kept", date(2026, 11, 15), "already kept"),
        ("open", date(2026, 11, 9), "before it was made"),
    ],
)
def test_it_refuses_bad_closes_and_writes_nothing(promise, setup, on, message):
    if setup == "kept":
        commitment_keep(promise, on=date(2026, 11, 12))
    before = list(Commitment.objects.values())
    with pytest.raises(ValidationError, match=message):
        commitment_keep(promise, on=on)
    with pytest.raises(ValidationError, match=message):
        commitment_break(promise, on=on)
    assert list(Commitment.objects.values()) == before


def test_it_refuses_to_close_a_promise_closed_meanwhile(promise):
    stale_copy = Commitment.objects.get(pk=promise.pk)
    commitment_keep(promise, on=date(2026, 11, 12))
    with pytest.raises(ValidationError, match="closed meanwhile"):
        commitment_break(stale_copy, on=date(2026, 11, 13))
    promise.refresh_from_db()
    assert promise.status == CommitmentStatus.KEPT


def test_it_computes_kept_on_time_rates_overall_and_per_contact(owner, bob):
    ana, ben = ContactFactory(owner=owner), ContactFactory(owner=owner)

    def promise(contact, **fields):
        return CommitmentFactory(
            owner=contact.owner, contact=contact, promised_on=PROMISED, due_on=DUE, **fields
        )

    commitment_keep(promise(ana), on=date(2026, 11, 15))
    commitment_keep(promise(ana), on=date(2026, 11, 25))
    commitment_break(promise(ben), on=date(2026, 11, 25))
    commitment_keep(promise(ben, direction=CommitmentDirection.THEY_OWE), on=date(2026, 11, 15))
    promise(ben)  # still open: not counted
    Commitment.objects.filter(pk=promise(ben).pk).update(
        status=CommitmentStatus.CANCELLED, completed_on=date(2026, 11, 12)
    )
    commitment_keep(promise(ContactFactory(owner=bob)), on=date(2026, 11, 15))

    overall = kept_on_time_rate(owner)
    assert (overall.closed, overall.kept_on_time, overall.percent) == (3, 1, 33)
    assert kept_on_time_rate(owner, ana).rate == 0.5
    assert kept_on_time_rate(owner, ben).rate == 0.0
    assert kept_on_time_rate(owner, ben, direction=CommitmentDirection.THEY_OWE).rate == 1.0
    assert {k: (v.closed, v.kept_on_time) for k, v in kept_on_time_rates(owner).items()} == {
        ana.pk: (2, 1),
        ben.pk: (1, 0),
    }
    assert kept_on_time_rate(owner, ContactFactory(owner=owner)).rate is None
