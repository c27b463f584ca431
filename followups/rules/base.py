"""What every rule shares: the run's clock and scope (one user, optionally one contact,
or a group of users who share every setting the rules read), day boundaries in the
users' zone, dedupe keys, and the one insert path."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat

from contacts.models import Contact
from followups.models import FollowUp, FollowUpStatus, Preferences, QuietPeriod
from interactions.choices import Direction

# Inserts go in batches of this size: the steady state inserts nothing, so a run is a
# fixed number of queries, plus one per BATCH_SIZE new follow-ups on a first run.
BATCH_SIZE = 1000
# Sentinels so that comparisons with NULL behave the same on PostgreSQL and SQLite.
NEVER = datetime(1900, 1, 1, tzinfo=UTC)
NO_DATE = date(1900, 1, 1)

TWO_WAY = [Direction.INBOUND, Direction.MUTUAL]
OPEN_STATES = [FollowUpStatus.OPEN, FollowUpStatus.SNOOZED]


def day_start(day: date, tz) -> datetime:
    """The UTC instant at which `day` begins in `tz` (DST-safe: zoneinfo resolves it)."""
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


@dataclass
class RulesReport:
    """What one run did; merged across users by run_rules_for_all_users."""

    users: int = 0
    created: Counter = field(default_factory=Counter)
    closed: int = 0
    stale_flagged: int = 0
    stale_cleared: int = 0
    holds_changed: int = 0
    failed_users: list[int] = field(default_factory=list)

    @property
    def created_total(self) -> int:
        return sum(self.created.values())

    def merge(self, other: "RulesReport") -> None:
        self.users += other.users
        self.created.update(other.created)
        self.closed += other.closed
        self.stale_flagged += other.stale_flagged
        self.stale_cleared += other.stale_cleared
        self.holds_changed += other.holds_changed
        self.failed_users += other.failed_users

    def as_dict(self) -> dict:
        return {
            "users": self.users,
            "created": dict(sorted(self.created.items())),
            "created_total": self.created_total,
            "closed": self.closed,
            "stale_flagged": self.stale_flagged,
            "stale_cleared": self.stale_cleared,
            "holds_changed": self.holds_changed,
            "failed_users": self.failed_users,
        }


# The settings the rules read. Users who agree on all of them (and so on "today") form
# one group, and the nightly job runs each rule once per group rather than per user.
GROUP_SETTINGS = (
    "time_zone",
    "thank_you_window_days",
    "min_outreach_gap_days",
    "unanswered_limit",
    "reply_window_days",
    "nudge_grace_days",
    "share_suggestions_per_day",
    "cadence_close_days",
    "cadence_regular_days",
    "cadence_acquaintance_days",
)


@dataclass
class RuleContext:
    """One run of the rules: whose data, which contact (or all), and what time it is.

    Either one `user` (with their `prefs`), or a group: `owners` is a queryset of the
    ids of the users whose preferences have the same GROUP_SETTINGS as `prefs`, so that
    every rule is one statement for all of them, however many they are."""

    user: object | None
    prefs: Preferences
    now: datetime
    contact_id: int | None = None
    owners: QuerySet | None = None
    report: RulesReport = field(default_factory=RulesReport)
    user_is_quiet: bool = False

    def __post_init__(self) -> None:
        if (self.user is None) == (self.owners is None):
            raise ValueError("A rule context is for one user or for a group of owners.")
        self.today = self.prefs.local_today(self.now)
        self.tz = self.prefs.tz

    @property
    def is_group(self) -> bool:
        return self.owners is not None

    def load_quiet_periods(self) -> None:
        """The owner's own quiet periods (vacation, on call): no new suggestions today.
        A group reads them inside each suggestion query instead (suggesting())."""
        if self.is_group:
            return
        self.user_is_quiet = (
            QuietPeriod.objects.for_user(self.user)
            .filter(contact__isnull=True, starts_on__lte=self.today, ends_on__gte=self.today)
            .exists()
        )

    def day_start(self, day: date) -> datetime:
        return day_start(day, self.tz)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    def owned(self, qs: QuerySet, field_name: str = "owner") -> QuerySet:
        """Filter a queryset to the run's owner(s)."""
        if self.is_group:
            return qs.filter(**{f"{field_name}__in": self.owners})
        return qs.filter(**{field_name: self.user})

    def contacts(self) -> QuerySet:
        qs = (
            Contact.objects.for_user(self.user)
            if not self.is_group
            else self.owned(Contact.objects.all())
        )
        return qs.filter(pk=self.contact_id) if self.contact_id else qs

    def scoped(self, qs: QuerySet, field_name: str = "contact") -> QuerySet:
        """Filter any of the user's querysets to the run's contact, if there is one."""
        qs = self.owned(qs)
        return qs.filter(**{field_name: self.contact_id}) if self.contact_id else qs

    def suggesting(self, qs: QuerySet, field_name: str = "owner") -> QuerySet:
        """Leave out owners in a quiet period today (a one-user run skips the
        suggestion rules altogether instead)."""
        if not self.is_group:
            return qs
        quiet = QuietPeriod.objects.filter(
            owner=OuterRef("user_id"),
            contact__isnull=True,
            starts_on__lte=self.today,
            ends_on__gte=self.today,
        )
        return qs.filter(**{f"{field_name}__in": self.owners.exclude(Exists(quiet))})

    def reachable_q(self, prefix: str = "") -> Q:
        """Active and not do-not-contact."""
        return Q(**{f"{prefix}archived_at__isnull": True, f"{prefix}do_not_contact": False})

    def suggestible_q(self, prefix: str = "") -> Q:
        """Reachable and not on hold today (pacing, busy dates)."""
        return self.reachable_q(prefix) & (
            Q(**{f"{prefix}on_hold_until__isnull": True})
            | Q(**{f"{prefix}on_hold_until__lt": self.today})
        )


def key_expr(prefix: str, *parts) -> Concat:
    """The dedupe key in SQL, e.g. key_expr("thank_you", "pk") -> 'thank_you:42'."""
    pieces: list = [Value(f"{prefix}")]
    for part in parts:
        pieces += [Value(":"), Cast(part, CharField())]
    return Concat(*pieces, output_field=CharField())


def followup_exists(key, owner: str = "owner") -> Exists:
    """A follow-up of the outer row's owner with this dedupe key (any status)."""
    return Exists(FollowUp.objects.filter(owner=OuterRef(owner), dedupe_key=key))


def insert_followups(ctx: RuleContext, kind: str, rows: list[FollowUp]) -> int:
    """The one insert path. The unique (owner, dedupe_key) constraint is what makes a
    rule idempotent: a row that exists in any status (done, dismissed, snoozed) is left
    alone, because the conflict is ignored rather than the row re-created."""
    if not rows:
        return 0
    FollowUp.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BATCH_SIZE)
    ctx.report.created[kind] += len(rows)
    return len(rows)


def interactions_after(
    directions: list[str], *, now: datetime, after: str | OuterRef = "occurred_at"
) -> Exists:
    """An interaction with the same contact, in one of `directions`, after the outer
    row's `after` timestamp (and not in the future)."""
    from interactions.models import Interaction

    after_ref = after if isinstance(after, OuterRef) else OuterRef(after)
    return Exists(
        Interaction.objects.filter(
            # owner too, so the (owner, contact, -occurred_at) index answers it.
            owner=OuterRef("owner"),
            contact=OuterRef("contact"),
            direction__in=directions,
            occurred_at__gt=after_ref,
            occurred_at__lte=now,
        )
    )


def short_date(day: date) -> str:
    return f"{day:%a %b} {day.day}"


def clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def key_for(prefix: str, *parts) -> str:
    return ":".join([prefix, *(str(p) for p in parts)])


ONE_DAY = timedelta(days=1)
