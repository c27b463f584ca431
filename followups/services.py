"""Writes on follow-ups, articles and promises (keeping or breaking one is in
followups.commitments). The dashboard, the digest's one-click links and
the contact page call these; none of them touches a follow-up's status directly."""

from collections.abc import Sequence
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from contacts.models import Topic
from followups.commitments import commitment_keep
from followups.models import (
    Commitment,
    CommitmentDirection,
    CommitmentStatus,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Preferences,
    Resource,
)
from followups.rules import suggest_shares_for_resource
from interactions.choices import Channel, Direction, Purpose, Value, ValueKind
from interactions.models import Interaction
from interactions.services import interaction_log

# What the outbound message that completes a follow-up was for.
KIND_PURPOSE = {
    FollowUpKind.THANK_YOU: Purpose.THANK_YOU,
    FollowUpKind.SHARE: Purpose.SHARE,
    FollowUpKind.COMMITMENT: Purpose.FOLLOW_UP,
    FollowUpKind.NUDGE: Purpose.FOLLOW_UP,
    FollowUpKind.REPLY: Purpose.REPLY,
    FollowUpKind.CHECK_IN: Purpose.CHECK_IN,
    FollowUpKind.INTRO_CHECK: Purpose.FOLLOW_UP,
}
OPEN_STATUSES = (FollowUpStatus.OPEN, FollowUpStatus.SNOOZED)


class FollowUpError(ValueError):
    """A follow-up action that cannot apply (someone else's, or already closed)."""


def _check(followups: Sequence[FollowUp], user) -> None:
    if not followups:
        raise FollowUpError("No follow-up given.")
    if any(f.owner_id != user.pk for f in followups):
        raise FollowUpError("The follow-up belongs to another user.")
    if len({f.contact_id for f in followups}) != 1:
        raise FollowUpError("Follow-ups for several people cannot be completed as one.")


def outbound_summary(followups: Sequence[FollowUp]) -> str:
    """A default summary for the logged interaction: “Thank-you; shared “Title””."""
    parts = []
    for followup in followups:
        if followup.kind == FollowUpKind.SHARE and followup.resource is not None:
            parts.append(f"Shared “{followup.resource.title}”")
        elif followup.kind == FollowUpKind.COMMITMENT and followup.commitment is not None:
            parts.append(f"Kept my promise: {followup.commitment.description}")
        else:
            parts.append(followup.get_kind_display())
    return "; ".join(parts)


@transaction.atomic
def followups_done(
    followups: Sequence[FollowUp],
    *,
    user,
    now: datetime,
    log_interaction: bool = False,
    note: str = "",
) -> Interaction | None:
    """Close one person's follow-ups (one dashboard row). With `log_interaction`, record
    the one outbound message that did it: its purpose is the most pressing follow-up's,
    and it is a give when it shared an article or kept a promise. A promise follow-up
    also marks its commitment kept. Follow-ups already closed are left as they are, so a
    double click or a second click in the email logs nothing twice."""
    _check(followups, user)
    pending = [f for f in followups if f.status in OPEN_STATUSES]
    if not pending:
        return None
    today = Preferences.for_user(user).local_today(now)
    for followup in pending:
        followup.status = FollowUpStatus.DONE
        followup.snoozed_until = None
        followup.completed_at = now
        followup.save(update_fields=["status", "snoozed_until", "completed_at"])
        if (
            followup.kind == FollowUpKind.COMMITMENT
            and followup.commitment is not None
            and followup.commitment.direction == CommitmentDirection.I_OWE
            and followup.commitment.status == CommitmentStatus.OPEN
        ):
            commitment_keep(followup.commitment, on=today)
    if not log_interaction:
        return None
    lead = pending[0]
    contact = lead.contact
    share = next((f for f in pending if f.kind == FollowUpKind.SHARE and f.resource), None)
    kept = any(f.kind == FollowUpKind.COMMITMENT for f in pending)
    if share is not None:
        value, value_kind = Value.GIVE, ValueKind.SHARED_ARTICLE
    elif kept:
        value, value_kind = Value.GIVE, ValueKind.HELP
    else:
        value, value_kind = Value.NEUTRAL, ""
    return interaction_log(
        owner=user,
        contact=contact,
        occurred_at=now,
        channel=contact.preferred_channel or Channel.EMAIL,
        direction=Direction.OUTBOUND,
        purpose=KIND_PURPOSE[lead.kind],
        summary=note.strip() or outbound_summary(pending),
        value=value,
        value_kind=value_kind,
        resource=share.resource if share else None,
    )


def followup_done(
    followup: FollowUp, *, user, now: datetime, log_interaction: bool = False, note: str = ""
) -> Interaction | None:
    """Close one follow-up; see `followups_done`. Returns the logged interaction, if any."""
    return followups_done(
        [followup], user=user, now=now, log_interaction=log_interaction, note=note
    )


@transaction.atomic
def followups_snooze(followups: Sequence[FollowUp], *, until: date) -> None:
    """Hide follow-ups until `until`; they come back on the list that day."""
    for followup in followups:
        if followup.status not in OPEN_STATUSES:
            raise FollowUpError("Only an open follow-up can be snoozed.")
    for followup in followups:
        followup.status = FollowUpStatus.SNOOZED
        followup.snoozed_until = until
        followup.save(update_fields=["status", "snoozed_until"])


def followup_snooze(followup: FollowUp, *, until: date) -> None:
    followups_snooze([followup], until=until)


@transaction.atomic
def followups_dismiss(followups: Sequence[FollowUp]) -> None:
    """Drop follow-ups the owner decided not to act on. The dedupe key stays taken, so
    the rule that made one does not make it again."""
    for followup in followups:
        if followup.status not in OPEN_STATUSES:
            continue
        followup.status = FollowUpStatus.DISMISSED
        followup.snoozed_until = None
        followup.save(update_fields=["status", "snoozed_until"])


def followup_dismiss(followup: FollowUp) -> None:
    followups_dismiss([followup])


@transaction.atomic
def resource_save(*, owner, resource: Resource, topics, new_topic_names: Sequence[str]) -> Resource:
    """Create or update an article to share, with its topics; topics named for the first
    time are created (matching an existing one whatever its case)."""
    if resource.pk is None:
        resource.owner = owner
    elif resource.owner_id != owner.pk:
        raise FollowUpError("The resource belongs to another user.")
    resource.save()
    chosen = list(topics)
    existing = {t.name.lower(): t for t in Topic.objects.for_user(owner)}
    for name in new_topic_names:
        topic = existing.get(name.lower())
        if topic is None:
            topic = Topic.objects.create(owner=owner, name=name)
            existing[name.lower()] = topic
        chosen.append(topic)
    resource.topics.set(chosen)
    # Suggest it at once to the contacts whose interests it matches.
    suggest_shares_for_resource(resource, now=timezone.now())
    return resource


def commitment_save(*, owner, commitment: Commitment) -> Commitment:
    if commitment.pk is None:
        commitment.owner = owner
    elif commitment.owner_id != owner.pk:
        raise FollowUpError("The promise belongs to another user.")
    if commitment.contact.owner_id != owner.pk:
        raise FollowUpError("The contact belongs to another user.")
    commitment.save()
    return commitment
