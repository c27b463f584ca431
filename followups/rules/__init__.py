"""The follow-up engine: plain, idempotent functions that turn what happened into who
needs what. Celery tasks, `manage.py run_rules` and interaction_log call these.

Entry points (stable; others build on them):
- run_rules(user, *, now)              all rules for one user
- run_rules_for_all_users(*, now)      the nightly job
- refresh_contact(contact, *, now)     all rules for one contact (after logging)
- suggest_shares_for_resource(resource, *, now)
- give_ask_balance(contact, *, now=None) / give_ask_balances(user, ...) / ask_warning(...)

Every run is a fixed number of queries per user whatever the number of contacts (plus
one insert per 1000 new follow-ups): flags are conditional UPDATEs, follow-ups are found
by one candidate query per kind that already leaves out existing dedupe keys, and are
inserted with bulk_create(ignore_conflicts=True) against the (owner, dedupe_key)
constraint."""

import logging
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from followups.models import Preferences
from followups.rules.base import RuleContext, RulesReport
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


def _without_jit() -> None:
    """PostgreSQL's JIT compiles the big CASE expressions of the flag updates for
    seconds and then runs them for milliseconds: turn it off for this transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def _run(ctx: RuleContext, *, timestamps: bool = True) -> RulesReport:
    _without_jit()
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


def run_rules_for_all_users(*, now: datetime) -> RulesReport:
    """The nightly job. Timestamps for every contact of every user in one statement;
    then each active user in their own transaction and time zone, so that one user's
    failure neither blocks nor rolls back the others (it is logged and reported)."""
    report = RulesReport()
    with transaction.atomic():
        _without_jit()
        refresh_all_timestamps(now)
    active = get_user_model().objects.filter(is_active=True)
    preferences = Preferences.objects.filter(user__in=active).select_related("user")
    for prefs in preferences.order_by("user_id").iterator(chunk_size=500):
        try:
            report.merge(run_rules(prefs.user, now=now, prefs=prefs, timestamps=False))
        except Exception:
            logger.exception("Rules failed for user %s", prefs.user_id)
            report.failed_users.append(prefs.user_id)
    return report
