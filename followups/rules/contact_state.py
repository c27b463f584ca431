"""Flags on Contact derived from interactions: last two-way / outreach timestamps,
pacing holds (etiquette) and stale relationships. Each is one conditional UPDATE over
the user's contacts (or one contact): set-based, whatever the size of the network, and
it writes only rows whose value changes, so a second run writes nothing."""

from datetime import timedelta

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from contacts.models import Contact, Tier
from followups.models import QuietPeriod
from followups.rules.base import NEVER, NO_DATE, TWO_WAY, RuleContext, short_date
from interactions.choices import Direction
from interactions.models import Interaction


def _latest(directions: list[str], now) -> Subquery:
    return Subquery(
        Interaction.objects.filter(
            owner=OuterRef("owner"),
            contact=OuterRef("pk"),
            direction__in=directions,
            occurred_at__lte=now,
        )
        .values("contact")
        .annotate(latest=Max("occurred_at"))
        .values("latest"),
        output_field=DateTimeField(),
    )


def _update_changed(qs, sentinel_by_field: dict, values: dict) -> int:
    """UPDATE the rows of `qs` where any field in `values` would change; returns the
    number of rows written."""
    aliases = {}
    changed = Q()
    for name, expr in values.items():
        sentinel = sentinel_by_field[name]
        aliases[f"_old_{name}"] = Coalesce(F(name), Value(sentinel))
        aliases[f"_new_{name}"] = Coalesce(expr, Value(sentinel))
        # `old IS DISTINCT FROM new`, portable: both sides have NULL coalesced.
        changed |= ~Q(**{f"_old_{name}": F(f"_new_{name}")})
    return qs.alias(**aliases).filter(changed).update(**values)


def refresh_timestamps(ctx: RuleContext, contacts=None) -> int:
    """Contact.last_two_way_at (inbound or mutual) and last_outreach_at (outbound)."""
    qs = contacts if contacts is not None else ctx.contacts()
    return _update_changed(
        qs,
        {"last_two_way_at": NEVER, "last_outreach_at": NEVER},
        {
            "last_two_way_at": _latest(TWO_WAY, ctx.now),
            "last_outreach_at": _latest([Direction.OUTBOUND], ctx.now),
        },
    )


def refresh_all_timestamps(now) -> int:
    """The same, across every user's contacts in one statement (the nightly job)."""
    qs = Contact.objects.all()
    return _update_changed(
        qs,
        {"last_two_way_at": NEVER, "last_outreach_at": NEVER},
        {
            "last_two_way_at": _latest(TWO_WAY, now),
            "last_outreach_at": _latest([Direction.OUTBOUND], now),
        },
    )


def unanswered_hold_days(gap_days: int) -> int:
    """After `unanswered_limit` messages without a reply, wait longer than the usual gap."""
    return max(2 * gap_days, 7)


def _per_day_case(ctx: RuleContext, days: int, hold_days: int, make_reason) -> tuple:
    """For each local day D in the last `days` days, a WHEN mapping `last_outreach_at`
    falling on D to (D + hold_days - 1, reason). A bounded CASE (one branch per day)
    that computes local dates in Python with zoneinfo, so DST and midnight are right on
    both databases."""
    until_whens, reason_whens = [], []
    for back in range(days):
        day = ctx.today - timedelta(days=back)
        until = day + timedelta(days=hold_days - 1)
        in_day = Q(
            last_outreach_at__gte=ctx.day_start(day),
            last_outreach_at__lt=ctx.day_start(day + timedelta(days=1)),
        )
        until_whens.append(When(in_day, then=Value(until)))
        reason_whens.append(When(in_day, then=Value(make_reason(day, until))))
    return until_whens, reason_whens


def refresh_holds(ctx: RuleContext) -> int:
    """Pacing: on hold when you reached out within the minimum gap, when your last K
    outbound messages got no reply, or during the contact's known busy dates. Writes
    on_hold_until (the last day of the hold) and on_hold_reason; clears them after."""
    prefs = ctx.prefs
    gap = prefs.min_outreach_gap_days
    limit = prefs.unanswered_limit
    unanswered = Subquery(
        Interaction.objects.filter(
            owner=OuterRef("owner"),
            contact=OuterRef("pk"),
            direction=Direction.OUTBOUND,
            occurred_at__gt=Coalesce(OuterRef("last_two_way_at"), Value(NEVER)),
            occurred_at__lte=ctx.now,
        )
        .values("contact")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )
    whens_until: list = []
    whens_reason: list = []
    if limit:
        long_hold = unanswered_hold_days(gap)
        until, reason = _per_day_case(
            ctx,
            long_hold,
            long_hold,
            lambda day, until: (
                f"No reply to your last {limit} messages; "
                f"give them until {short_date(until + timedelta(days=1))}."
            ),
        )
        is_unanswered = Q(_unanswered__gte=limit)
        whens_until.append(
            When(is_unanswered, then=Case(*until, default=None, output_field=DateField()))
        )
        whens_reason.append(
            When(is_unanswered, then=Case(*reason, default=None, output_field=CharField()))
        )
    if gap:
        until, reason = _per_day_case(
            ctx,
            gap,
            gap,
            lambda day, until: (
                f"You reached out on {short_date(day)}; wait {gap} days between messages."
            ),
        )
        whens_until += until
        whens_reason += reason
    outreach_until = Case(*whens_until, default=None, output_field=DateField())
    outreach_reason = Case(*whens_reason, default=None, output_field=CharField())
    busy = QuietPeriod.objects.filter(
        contact=OuterRef("pk"), starts_on__lte=ctx.today, ends_on__gte=ctx.today
    ).order_by("-ends_on", "pk")
    busy_until = Subquery(busy.values("ends_on")[:1], output_field=DateField())
    busy_reason = Subquery(busy.values("reason")[:1], output_field=CharField())
    busy_wins = Q(_busy_until__isnull=False) & Q(
        _busy_until__gt=Coalesce(F("_outreach_until"), Value(NO_DATE))
    )
    new_until = Case(
        When(busy_wins, then=F("_busy_until")),
        default=F("_outreach_until"),
        output_field=DateField(),
    )
    new_reason = Case(
        When(
            busy_wins,
            then=Coalesce(
                Case(
                    When(~Q(_busy_reason=""), then=F("_busy_reason")),
                    default=None,
                    output_field=CharField(),
                ),
                Value("Busy dates they told you about"),
            ),
        ),
        default=Coalesce(F("_outreach_reason"), Value("")),
        output_field=CharField(),
    )
    # Only rows that are on hold or could be: recent outreach, or busy today. The rest
    # would compute "no hold" and are skipped, which keeps the CASE off most rows.
    recent = ctx.day_start(ctx.today - timedelta(days=max(unanswered_hold_days(gap), gap)))
    candidates = (
        Q(on_hold_until__isnull=False)
        | Q(last_outreach_at__gte=recent)
        | Q(Exists(busy.values("pk")))
    )
    qs = (
        ctx.contacts()
        .filter(candidates)
        .alias(
            _unanswered=unanswered,
            _outreach_until=outreach_until,
            _outreach_reason=outreach_reason,
            _busy_until=busy_until,
            _busy_reason=busy_reason,
        )
    )
    changed = _update_changed(
        qs,
        {"on_hold_until": NO_DATE, "on_hold_reason": ""},
        {"on_hold_until": new_until, "on_hold_reason": new_reason},
    )
    ctx.report.holds_changed += changed
    return changed


def stale_threshold(ctx: RuleContext) -> Case:
    """Per contact, the instant before which the last two-way interaction makes it
    stale: the start (in the user's zone) of today - cadence + 1, so that a contact is
    stale once `cadence` whole local days have passed. Custom cadences are few; the
    CASE has one branch per distinct value (one small query finds them)."""
    custom = sorted(
        set(
            ctx.contacts()
            .filter(cadence_days__isnull=False)
            .order_by()
            .values_list("cadence_days", flat=True)
            .distinct()
        )
    )

    def threshold(days: int):
        return Value(ctx.day_start(ctx.today - timedelta(days=days - 1)))

    whens = [When(cadence_days=days, then=threshold(days)) for days in custom]
    whens += [
        When(cadence_days__isnull=True, tier=tier, then=threshold(ctx.prefs.cadence_for_tier(tier)))
        for tier in Tier.values
    ]
    return Case(*whens, default=None, output_field=DateTimeField())


def is_stale_q() -> Q:
    return Q(
        archived_at__isnull=True,
        do_not_contact=False,
        last_two_way_at__isnull=False,
        last_two_way_at__lt=F("_threshold"),
    )


def refresh_stale(ctx: RuleContext) -> None:
    """Set stale_since (the day it was first flagged) on contacts whose last two-way
    interaction is older than their cadence; clear it when that is no longer so (a new
    two-way interaction, archived, do-not-contact). Two UPDATEs."""
    qs = ctx.contacts().alias(_threshold=stale_threshold(ctx))
    ctx.report.stale_flagged += qs.filter(is_stale_q(), stale_since__isnull=True).update(
        stale_since=ctx.today
    )
    ctx.report.stale_cleared += (
        qs.filter(stale_since__isnull=False).exclude(is_stale_q()).update(stale_since=None)
    )
