"""Close follow-ups that what happened has answered: a thank-you or a reply sent, a
conversation that ends a stale spell, a promise kept or broken, an article shared by
hand. One conditional UPDATE per kind; snoozed ones close too (the thing is done), and
done or dismissed ones are never touched."""

from django.db.models import Case, Exists, F, OuterRef, Q, Value, When

from followups.models import (
    Commitment,
    CommitmentStatus,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
)
from followups.rules.base import OPEN_STATES, RuleContext, interactions_after
from interactions.choices import Direction
from interactions.models import Interaction


def close_answered(ctx: RuleContext) -> int:
    """Runs after the contact timestamps are refreshed, so a join on them answers most
    kinds without a correlated subquery per follow-up."""
    open_followups = ctx.scoped(FollowUp.objects.all()).filter(status__in=OPEN_STATES)
    answered = {
        # Any outbound message after the conversation.
        FollowUpKind.THANK_YOU: Q(
            contact__last_outreach_at__gt=F("source_interaction__occurred_at")
        ),
        # Inbound or mutual after the last conversation the check-in counted from.
        FollowUpKind.CHECK_IN: Q(contact__last_two_way_at__gt=F("source_interaction__occurred_at")),
        # An outbound message, or a conversation, after their message.
        FollowUpKind.REPLY: Q(contact__last_outreach_at__gt=F("source_interaction__occurred_at"))
        | Q(
            interactions_after(
                [Direction.MUTUAL], now=ctx.now, after=OuterRef("source_interaction__occurred_at")
            )
        ),
    }
    closed = 0
    for kind, condition in answered.items():
        closed += (
            open_followups.filter(kind=kind)
            .filter(condition)
            .update(status=FollowUpStatus.DONE, completed_at=ctx.now)
        )
    closed += (
        open_followups.filter(kind__in=[FollowUpKind.COMMITMENT, FollowUpKind.NUDGE])
        .exclude(commitment__status=CommitmentStatus.OPEN)
        .update(
            status=Case(
                When(
                    Exists(
                        Commitment.objects.filter(
                            pk=OuterRef("commitment_id"), status=CommitmentStatus.KEPT
                        )
                    ),
                    then=Value(FollowUpStatus.DONE),
                ),
                default=Value(FollowUpStatus.DISMISSED),
            ),
            completed_at=ctx.now,
        )
    )
    closed += (
        open_followups.filter(kind=FollowUpKind.SHARE)
        .filter(
            Exists(
                Interaction.objects.filter(
                    owner=OuterRef("owner"),
                    contact=OuterRef("contact"),
                    resource=OuterRef("resource"),
                    occurred_at__lte=ctx.now,
                )
            )
        )
        .update(status=FollowUpStatus.DONE, completed_at=ctx.now)
    )
    ctx.report.closed += closed
    return closed
