"""Follow-ups the user owes whatever the pacing: a thank-you after a conversation, a
reply to a message, a promise they made. Each is one candidate query (that already
leaves out what exists, by dedupe key) and one bulk insert."""

from datetime import timedelta

from django.db.models import DateTimeField, Exists, F, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from followups.models import (
    Commitment,
    CommitmentDirection,
    CommitmentStatus,
    FollowUp,
    FollowUpKind,
)
from followups.rules.base import (
    NEVER,
    RuleContext,
    clip,
    followup_exists,
    insert_followups,
    interactions_after,
    key_expr,
    key_for,
    short_date,
)
from interactions.choices import Channel, Direction
from interactions.models import Interaction

# Conversations older than this get no thank-you: the moment has passed.
THANK_YOU_LOOKBACK_DAYS = 14
# Messages older than this get no reply follow-up on a first run over old data.
REPLY_LOOKBACK_DAYS = 30
# A promise without a due date is followed up this long after it was made.
UNDATED_PROMISE_DAYS = 7


def create_thank_yous(ctx: RuleContext) -> int:
    """The latest recent conversation (meeting, call, video, conference encounter) with
    a contact, with no outbound message after it, wants a thank-you within the user's
    thank-you window."""
    candidates = (
        ctx.scoped(Interaction.objects.all())
        .filter(
            channel__in=Channel.conversations(),
            occurred_at__gte=ctx.now - timedelta(days=THANK_YOU_LOOKBACK_DAYS),
            occurred_at__lte=ctx.now,
        )
        .filter(ctx.reachable_q("contact__"))
        .exclude(interactions_after([Direction.OUTBOUND], now=ctx.now))
        .exclude(
            Exists(
                Interaction.objects.filter(
                    owner=OuterRef("owner"),
                    contact=OuterRef("contact"),
                    channel__in=Channel.conversations(),
                    occurred_at__gt=OuterRef("occurred_at"),
                    occurred_at__lte=ctx.now,
                )
            )
        )
        .exclude(followup_exists(ctx.user, key_expr(FollowUpKind.THANK_YOU, OuterRef("pk"))))
        .values("pk", "contact_id", "occurred_at", "channel")
    )
    window = ctx.prefs.thank_you_window_days
    rows = []
    for row in candidates:
        met_on = ctx.local_date(row["occurred_at"])
        label = Channel(row["channel"]).label.lower()
        rows.append(
            FollowUp(
                owner=ctx.user,
                contact_id=row["contact_id"],
                kind=FollowUpKind.THANK_YOU,
                reason=f"Say thank you for the {label} on {short_date(met_on)}.",
                due_on=met_on + timedelta(days=window),
                source_interaction_id=row["pk"],
                dedupe_key=key_for(FollowUpKind.THANK_YOU, row["pk"]),
            )
        )
    return insert_followups(ctx, FollowUpKind.THANK_YOU, rows)


def create_replies(ctx: RuleContext) -> int:
    """An inbound message with no outbound or mutual interaction after it, once the
    reply window has passed. One reply follow-up per run of unanswered messages: the
    earliest one, and none while an earlier one of the same run has a follow-up (in
    any status, so a dismissed one stays dismissed)."""
    window = ctx.prefs.reply_window_days
    answered_at = Subquery(
        Interaction.objects.filter(
            owner=OuterRef("owner"),
            contact=OuterRef("contact"),
            direction__in=[Direction.OUTBOUND, Direction.MUTUAL],
            occurred_at__lte=ctx.now,
        )
        .values("contact")
        .annotate(latest=Max("occurred_at"))
        .values("latest"),
        output_field=DateTimeField(),
    )
    candidates = (
        ctx.scoped(Interaction.objects.all())
        .filter(
            direction=Direction.INBOUND,
            occurred_at__gte=ctx.now - timedelta(days=REPLY_LOOKBACK_DAYS),
            # Received on or before today - window, in the user's zone.
            occurred_at__lt=ctx.day_start(ctx.today - timedelta(days=window - 1)),
        )
        .filter(ctx.reachable_q("contact__"))
        .alias(_answered_at=Coalesce(answered_at, Value(NEVER)))
        .filter(occurred_at__gt=F("_answered_at"))
        .exclude(
            Exists(
                FollowUp.objects.filter(
                    owner=ctx.user,
                    kind=FollowUpKind.REPLY,
                    contact=OuterRef("contact"),
                    source_interaction__occurred_at__gt=OuterRef("_answered_at"),
                )
            )
        )
        .order_by("contact_id", "occurred_at", "pk")
        .values("pk", "contact_id", "occurred_at", "channel")
    )
    rows, seen = [], set()
    for row in candidates:
        if row["contact_id"] in seen:
            continue
        seen.add(row["contact_id"])
        received_on = ctx.local_date(row["occurred_at"])
        label = Channel(row["channel"]).label.lower()
        rows.append(
            FollowUp(
                owner=ctx.user,
                contact_id=row["contact_id"],
                kind=FollowUpKind.REPLY,
                reason=f"They sent you a {label} on {short_date(received_on)} "
                "and are waiting for an answer.",
                due_on=received_on + timedelta(days=window),
                source_interaction_id=row["pk"],
                dedupe_key=key_for(FollowUpKind.REPLY, row["pk"]),
            )
        )
    return insert_followups(ctx, FollowUpKind.REPLY, rows)


def create_promises(ctx: RuleContext) -> int:
    """An open promise I made: a follow-up due the day before it is (never before the
    day it was made); an undated one, a week after it was made."""
    candidates = (
        ctx.scoped(Commitment.objects.all())
        .filter(direction=CommitmentDirection.I_OWE, status=CommitmentStatus.OPEN)
        .filter(ctx.reachable_q("contact__"))
        .exclude(followup_exists(ctx.user, key_expr(FollowUpKind.COMMITMENT, OuterRef("pk"))))
        .values("pk", "contact_id", "description", "promised_on", "due_on")
    )
    rows = []
    for row in candidates:
        if row["due_on"]:
            due = max(row["promised_on"], row["due_on"] - timedelta(days=1))
            reason = f"You promised: {row['description']} (by {short_date(row['due_on'])})."
        else:
            due = row["promised_on"] + timedelta(days=UNDATED_PROMISE_DAYS)
            reason = f"You promised: {row['description']}."
        rows.append(
            FollowUp(
                owner=ctx.user,
                contact_id=row["contact_id"],
                kind=FollowUpKind.COMMITMENT,
                reason=clip(reason),
                due_on=due,
                commitment_id=row["pk"],
                dedupe_key=key_for(FollowUpKind.COMMITMENT, row["pk"]),
            )
        )
    return insert_followups(ctx, FollowUpKind.COMMITMENT, rows)
