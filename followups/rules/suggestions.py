"""Outreach the product suggests: check-ins for stale relationships, gentle nudges about
promises owed to the user, articles to share. None of these are made for a contact on
hold (pacing, busy dates) or while the user is in a quiet period; they resume after."""

from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Subquery

from contacts.models import Contact
from followups.models import (
    Commitment,
    CommitmentDirection,
    CommitmentStatus,
    FollowUp,
    FollowUpKind,
)
from followups.rules.base import (
    TWO_WAY,
    RuleContext,
    clip,
    followup_exists,
    insert_followups,
    key_expr,
    key_for,
    short_date,
)
from interactions.models import Interaction


def create_check_ins(ctx: RuleContext) -> int:
    """One check-in per stale episode: the key is the last two-way interaction, so a
    check-in done or dismissed stays so until a new conversation starts a new episode."""
    latest_two_way = Subquery(
        Interaction.objects.filter(
            owner=OuterRef("owner"),
            contact=OuterRef("pk"),
            direction__in=TWO_WAY,
            occurred_at__lte=ctx.now,
        )
        .order_by("-occurred_at", "-pk")
        .values("pk")[:1]
    )
    candidates = (
        ctx.contacts()
        .filter(stale_since__isnull=False)
        .filter(ctx.suggestible_q())
        .annotate(_source=latest_two_way)
        .filter(_source__isnull=False)
        .exclude(followup_exists(ctx.user, key_expr(FollowUpKind.CHECK_IN, OuterRef("_source"))))
        .values("pk", "_source", "last_two_way_at", "cadence_days", "tier")
    )
    rows = []
    for row in candidates:
        last = ctx.local_date(row["last_two_way_at"])
        cadence = Contact(cadence_days=row["cadence_days"], tier=row["tier"])
        days = cadence.effective_cadence_days(ctx.prefs)
        rows.append(
            FollowUp(
                owner=ctx.user,
                contact_id=row["pk"],
                kind=FollowUpKind.CHECK_IN,
                reason=f"Last real conversation on {short_date(last)}, "
                f"{(ctx.today - last).days} days ago; you keep in touch every {days} days.",
                due_on=ctx.today,
                source_interaction_id=row["_source"],
                dedupe_key=key_for(FollowUpKind.CHECK_IN, row["_source"]),
            )
        )
    return insert_followups(ctx, FollowUpKind.CHECK_IN, rows)


def create_nudges(ctx: RuleContext) -> int:
    """A promise made to the user, due_on + grace days in the past: a gentle nudge."""
    grace = ctx.prefs.nudge_grace_days
    candidates = (
        ctx.scoped(Commitment.objects.all())
        .filter(
            direction=CommitmentDirection.THEY_OWE,
            status=CommitmentStatus.OPEN,
            due_on__lte=ctx.today - timedelta(days=grace),
        )
        .filter(ctx.suggestible_q("contact__"))
        .exclude(followup_exists(ctx.user, key_expr(FollowUpKind.NUDGE, OuterRef("pk"))))
        .values("pk", "contact_id", "description", "due_on")
    )
    rows = [
        FollowUp(
            owner=ctx.user,
            contact_id=row["contact_id"],
            kind=FollowUpKind.NUDGE,
            reason=clip(
                f"They promised: {row['description']} (by {short_date(row['due_on'])}). "
                "A friendly reminder may help."
            ),
            due_on=row["due_on"] + timedelta(days=grace),
            commitment_id=row["pk"],
            dedupe_key=key_for(FollowUpKind.NUDGE, row["pk"]),
        )
        for row in candidates
    ]
    return insert_followups(ctx, FollowUpKind.NUDGE, rows)


def create_shares(ctx: RuleContext, resource_id: int | None = None) -> int:
    """Suggest sharing resources with contacts whose interests overlap their topics:
    most shared topics first, then the newest resource; never one resource twice to one
    contact (suggested or already shared by hand); at most the user's daily number of
    share suggestions (counted over the whole network, whatever the run's scope)."""
    suggested_today = FollowUp.objects.filter(
        owner=ctx.user, kind=FollowUpKind.SHARE, due_on=ctx.today
    ).count()
    remaining = ctx.prefs.share_suggestions_per_day - suggested_today
    if remaining <= 0:
        return 0
    ContactTopic = Contact.interests.through
    pair_filter = {"contact__owner": ctx.user, "topic__resources__owner": ctx.user}
    if ctx.contact_id:
        pair_filter["contact_id"] = ctx.contact_id
    if resource_id:
        pair_filter["topic__resources"] = resource_id
    pairs = (
        ContactTopic.objects.filter(ctx.suggestible_q("contact__"), **pair_filter)
        .annotate(resource_id=F("topic__resources"))
        .exclude(
            Exists(
                FollowUp.objects.filter(
                    owner=ctx.user,
                    kind=FollowUpKind.SHARE,
                    contact=OuterRef("contact_id"),
                    resource=OuterRef("resource_id"),
                )
            )
        )
        .exclude(
            Exists(
                Interaction.objects.filter(
                    owner=ctx.user, contact=OuterRef("contact_id"), resource=OuterRef("resource_id")
                )
            )
        )
        .values("contact_id", "resource_id", title=F("topic__resources__title"))
        .annotate(overlap=Count("topic_id"))
        .order_by("-overlap", "-resource_id", "contact_id")[:remaining]
    )
    rows = [
        FollowUp(
            owner=ctx.user,
            contact_id=pair["contact_id"],
            kind=FollowUpKind.SHARE,
            reason=clip(
                f"“{pair['title']}” matches "
                + (
                    "one of their interests."
                    if pair["overlap"] == 1
                    else f"{pair['overlap']} of their interests."
                )
            ),
            due_on=ctx.today,
            resource_id=pair["resource_id"],
            dedupe_key=key_for(FollowUpKind.SHARE, pair["resource_id"], pair["contact_id"]),
        )
        for pair in pairs
    ]
    return insert_followups(ctx, FollowUpKind.SHARE, rows)
