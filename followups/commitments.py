"""Promises: keeping or breaking one, and the kept-on-time record that builds trust."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from followups.models import (
    Commitment,
    CommitmentDirection,
    CommitmentStatus,
    FollowUp,
    FollowUpStatus,
)


def _close(commitment: Commitment, *, status: str, on: date, kept_on_time: bool) -> Commitment:
    if commitment.status != CommitmentStatus.OPEN:
        raise ValidationError(
            f"This promise is already {commitment.get_status_display().lower()}.", code="closed"
        )
    if on < commitment.promised_on:
        raise ValidationError(
            f"A promise made on {commitment.promised_on:%Y-%m-%d} cannot be closed "
            f"on {on:%Y-%m-%d}, before it was made.",
            code="before_promise",
        )
    with transaction.atomic():
        # Conditional update: two clicks (or two tabs) cannot close it twice.
        updated = Commitment.objects.filter(pk=commitment.pk, status=CommitmentStatus.OPEN).update(
            status=status, completed_on=on, kept_on_time=kept_on_time
        )
        if not updated:
            raise ValidationError("This promise was closed meanwhile.", code="closed")
        FollowUp.objects.filter(
            commitment=commitment, status__in=[FollowUpStatus.OPEN, FollowUpStatus.SNOOZED]
        ).update(
            status=FollowUpStatus.DONE
            if status == CommitmentStatus.KEPT
            else FollowUpStatus.DISMISSED,
            completed_at=timezone.now(),
        )
    commitment.status, commitment.completed_on = status, on
    commitment.kept_on_time = kept_on_time
    return commitment


def commitment_keep(commitment: Commitment, *, on: date) -> Commitment:
    """Mark a promise kept on `on` (the user's local date); on time when `on` is no
    later than its due date (an undated promise kept is always on time). Closes its
    follow-up as done."""
    on_time = commitment.due_on is None or on <= commitment.due_on
    return _close(commitment, status=CommitmentStatus.KEPT, on=on, kept_on_time=on_time)


def commitment_break(commitment: Commitment, *, on: date) -> Commitment:
    """Mark a promise broken on `on`; its follow-up is dismissed."""
    return _close(commitment, status=CommitmentStatus.BROKEN, on=on, kept_on_time=False)


@dataclass(frozen=True)
class KeptRecord:
    """Closed promises (kept or broken; cancelled ones do not count) and how many were
    kept on time."""

    closed: int = 0
    kept_on_time: int = 0

    @property
    def rate(self) -> float | None:
        """Share kept on time, 0..1, or None when no promise has been closed yet."""
        return self.kept_on_time / self.closed if self.closed else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)


def _records(user, direction: str):
    return (
        Commitment.objects.for_user(user)
        .filter(direction=direction, status__in=[CommitmentStatus.KEPT, CommitmentStatus.BROKEN])
        .order_by()
    )


def kept_on_time_rate(
    user, contact=None, *, direction: str = CommitmentDirection.I_OWE
) -> KeptRecord:
    """The user's record (promises they made, by default), overall or with one contact.
    One query."""
    qs = _records(user, direction)
    if contact is not None:
        qs = qs.filter(contact=contact)
    totals = qs.aggregate(closed=Count("pk"), on_time=Count("pk", filter=Q(kept_on_time=True)))
    return KeptRecord(closed=totals["closed"], kept_on_time=totals["on_time"])


def kept_on_time_rates(
    user, *, direction: str = CommitmentDirection.I_OWE
) -> dict[int, KeptRecord]:
    """{contact id: record} for every contact with a closed promise. One query."""
    rows = (
        _records(user, direction)
        .values("contact_id")
        .annotate(closed=Count("pk"), on_time=Count("pk", filter=Q(kept_on_time=True)))
    )
    return {
        r["contact_id"]: KeptRecord(closed=r["closed"], kept_on_time=r["on_time"]) for r in rows
    }
