"""Close follow-ups that what happened has answered: a thank-you or a reply sent, a
conversation that ends a stale spell, a promise kept or broken, an article shared by
hand. One conditional UPDATE per kind; snoozed ones close too (the thing is done), and
done or dismissed ones are never touched."""

from django.db.models import Case, Exists, OuterRef, Value, When

from followups.models import (
    Commitment,
    CommitmentStatus,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
)
from followups.rules.base import OPEN_STATES, TWO_WAY, RuleContext, interactions_after
from interactions.choices import Direction
from interactions.models import Interaction

# kind -> directions of a later interaction that answer it
ANSWERED_BY = {
    FollowUpKind.THANK_YOU: [Direction.OUTBOUND],
    FollowUpKind.REPLY: [Direction.OUTBOUND, Direction.MUTUAL],
    FollowUpKind.CHECK_IN: TWO_WAY,
}


def close_answered(ctx: RuleContext) -> int:
    open_followups = ctx.scoped(FollowUp.objects.all()).filter(status__in=OPEN_STATES)
    closed = 0
    for kind, directions in ANSWERED_BY.items():
        closed += (
            open_followups.filter(kind=kind)
            .filter(
                interactions_after(
                    directions, now=ctx.now, after=OuterRef("source_interaction__occurred_at")
                )
            )
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
