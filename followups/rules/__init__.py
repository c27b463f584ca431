"""The follow-up engine: plain, idempotent functions that turn what happened into who
needs what. Celery tasks, `manage.py run_rules` and interaction_log call these.

Entry points (stable; others build on them):
- run_rules(user, *, now)              all rules for one user
- run_rules_for_all_users(*, now)      the nightly job
- refresh_contact(contact, *, now)     all rules for one contact (after logging)
- suggest_shares_for_resource(resource, *, now)
- give_ask_balance(contact, *, now=None) / give_ask_balances(user, ...) / ask_warning(...)

Every run is a fixed number of queries per user (per group of users with the same
settings, for the nightly job) whatever the number of contacts (plus
one insert per 1000 new follow-ups): flags are conditional UPDATEs, follow-ups are found
by one candidate query per kind that already leaves out existing dedupe keys, and are
inserted with bulk_create(ignore_conflicts=True) against the (owner, dedupe_key)
constraint."""

import logging
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count

from followups.models import Preferences
from followups.rules.base import GROUP_SETTINGS, RuleContext, RulesReport
from followups.rules.closing import close_answered
from followups.rules.contact_state import (
    refresh_all_timestamps,
    refresh_holds,
    refresh_stale,
    refresh_timestamps,
)
from followups.rules.obligations import create_promises, create_replies, create_thank_yous
from followups.rules.reciprocity import (
    GiveAskBalance,
    ask_warning,
    give_ask_balance,
    give_ask_balances,
)
from followups.rules.suggestions import create_check_ins, create_nudges, create_shares

__all__ = [
    "GiveAskBalance",
    "RulesReport",
    "ask_warning",
    "give_ask_balance",
    "give_ask_balances",
    "refresh_contact",
    "run_rules",
    "run_rules_for_all_users",
    "suggest_shares_for_resource",
]

logger = logging.getLogger(__name__)


# Group runs (the nightly job, the digest job) update many users' rows in one statement;
# two at once could deadlock on them, so they take turns on this advisory lock.
GROUP_RUN_LOCK = 7_384_201


def _without_jit(*, take_turns: bool = False) -> None:
    """PostgreSQL's JIT compiles the big CASE expressions of the flag updates for
    seconds and then runs them for milliseconds: turn it off for this transaction
    (and, for a group run, wait for any other group run's transaction: same trip)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SET LOCAL jit = off"
                + (f"; SELECT pg_advisory_xact_lock({GROUP_RUN_LOCK})" if take_turns else "")
            )


def _run(ctx: RuleContext, *, timestamps: bool = True) -> RulesReport:
    _without_jit(take_turns=ctx.is_group)
    if timestamps:
        refresh_timestamps(ctx)
    ctx.load_quiet_periods()
    close_answered(ctx)
    refresh_holds(ctx)
    refresh_stale(ctx)
    create_thank_yous(ctx)
    create_replies(ctx)
    create_promises(ctx)
    if not ctx.user_is_quiet:
        create_check_ins(ctx)
        create_nudges(ctx)
        create_shares(ctx)
    ctx.report.users = 1
    return ctx.report


def run_rules(
    user, *, now: datetime, prefs: Preferences | None = None, timestamps: bool = True
) -> RulesReport:
    """Bring one user's flags and follow-ups up to date as of `now`."""
    with transaction.atomic():
        ctx = RuleContext(user=user, prefs=prefs or Preferences.for_user(user), now=now)
        return _run(ctx, timestamps=timestamps)


def refresh_contact(contact, *, now: datetime) -> RulesReport:
    """All rules for one contact: called in interaction_log's transaction, so the
    dashboard is right as soon as the interaction is saved."""
    with transaction.atomic():
        ctx = RuleContext(
            user=contact.owner,
            prefs=Preferences.for_user(contact.owner),
            now=now,
            contact_id=contact.pk,
        )
        return _run(ctx)


def suggest_shares_for_resource(resource, *, now: datetime) -> RulesReport:
    """After a Resource is saved: suggest sharing it (within the daily limit)."""
    with transaction.atomic():
        ctx = RuleContext(user=resource.owner, prefs=Preferences.for_user(resource.owner), now=now)
        _without_jit()
        ctx.load_quiet_periods()
        if not ctx.user_is_quiet:
            create_shares(ctx, resource_id=resource.pk)
        ctx.report.users = 1
        return ctx.report


def run_rules_for_all_users(*, now: datetime, user_ids=None) -> RulesReport:
    """The nightly job (and the digest job, for the users it is about to email: pass
    their ids). Set-based across users: timestamps for every contact in one
    statement; then the users are grouped by the settings the rules read (their time
    zone, so their "today", windows and cadences: GROUP_SETTINGS) and every rule runs
    once per group, for all its users at once. The number of queries grows with the
    number of distinct settings in use, not with the number of users.

    Each group runs in its own transaction; if it fails, its users are run one by one,
    each in their own transaction, so that one user's bad data neither blocks nor rolls
    back the others (it is logged and reported)."""
    report = RulesReport()
    active = Preferences.objects.filter(user__is_active=True)
    if user_ids is not None:
        active = active.filter(user_id__in=user_ids)
    with transaction.atomic():
        _without_jit(take_turns=True)
        refresh_all_timestamps(now, owners=None if user_ids is None else active.values("user_id"))
    groups = active.values(*GROUP_SETTINGS).annotate(_users=Count("pk")).order_by(*GROUP_SETTINGS)
    for settings in groups:
        size = settings.pop("_users")
        members = active.filter(**settings)
        try:
            with transaction.atomic():
                ctx = RuleContext(
                    user=None,
                    prefs=Preferences(**settings),
                    now=now,
                    owners=members.values("user_id"),
                )
                group_report = _run(ctx, timestamps=False)
        except Exception:
            logger.exception("Rules failed for a group of %s users; running them one by one", size)
            report.merge(_run_one_by_one(members, now=now))
            continue
        group_report.users = size
        report.merge(group_report)
    return report


def _run_one_by_one(preferences, *, now: datetime) -> RulesReport:
    report = RulesReport()
    for prefs in preferences.select_related("user").order_by("user_id"):
        try:
            report.merge(run_rules(prefs.user, now=now, prefs=prefs, timestamps=False))
        except Exception:
            logger.exception("Rules failed for user %s", prefs.user_id)
            report.failed_users.append(prefs.user_id)
    return report
