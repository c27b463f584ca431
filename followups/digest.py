"""The daily digest: each user's list, at their own local hour, exactly once.

Exactly once rests on the database, not on the broker or beat:

1. claim (user, local date) with INSERT … ON CONFLICT DO NOTHING on the unique
   constraint; a run that loses the race moves on. A failed row whose backoff is over,
   or a claim abandoned before sending (its worker died while building), is taken
   over with a conditional UPDATE that only one run can win;
2. build the email (rules first, so the list is up to date);
3. flip the claim to "sending" (conditional: only the holder of the claim can), then
   hand the message to the mail server; a row left in "sending" is never retried,
   because the server may have accepted it: a missing email beats a duplicate;
4. record sent, empty or failed (with the error and when to try again).
"""

import logging
import smtplib
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.mail import EmailMultiAlternatives, mailers
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from followups.email import absolute_url, build_email
from followups.links import action_url, unsubscribe_url
from followups.models import DigestDelivery, DigestStatus, Preferences
from followups.rules import run_rules
from followups.selectors import Agenda, build_agenda

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_BASE = timedelta(minutes=5)
RETRY_CAP = timedelta(hours=2)
# A claim still "claimed" this long after it was taken belongs to a run that died
# before it reached the mail server: safe to take over.
CLAIM_LEASE = timedelta(minutes=10)
ERROR_MAX_CHARS = 2000


def retry_delay(attempts: int) -> timedelta:
    """5, 10, 20, 40 minutes… capped at two hours."""
    return min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_CAP)


def takeover_q(now: datetime) -> Q:
    """Deliveries another run may claim again."""
    return Q(status=DigestStatus.FAILED, next_attempt_at__lte=now) | Q(
        status=DigestStatus.CLAIMED, claimed_at__lt=now - CLAIM_LEASE
    )


@dataclass
class DigestRun:
    sent: int = 0
    empty: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.sent} sent, {self.empty} empty (not sent), {self.failed} failed, "
            f"{self.skipped} already handled"
        )


def due_preferences(now: datetime) -> list[tuple[Preferences, date]]:
    """Users whose digest is on, whose local digest hour has passed today and who have
    no delivery for their local today, except one that may be taken over. One query
    per time zone in use."""
    enabled = (
        Preferences.objects.filter(digest_enabled=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    )
    due = []
    for zone_name in enabled.order_by().values_list("time_zone", flat=True).distinct():
        try:
            local_now = now.astimezone(zoneinfo.ZoneInfo(zone_name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            logger.error("Skipping digests for unknown time zone %r", zone_name)
            continue
        local_date = local_now.date()
        handled = DigestDelivery.objects.filter(
            user_id=OuterRef("user_id"), local_date=local_date
        ).exclude(takeover_q(now))
        for preferences in (
            enabled.filter(time_zone=zone_name, digest_hour__lte=local_now.hour)
            .exclude(Exists(handled))
            .order_by("user_id")
        ):
            due.append((preferences, local_date))
    return due


def claim_delivery(*, user_id: int, local_date: date, now: datetime) -> DigestDelivery | None:
    """Take (user, local date) for this run, or None when another run holds it or it
    is done. The unique constraint decides between racing runs."""
    table = connection.ops.quote_name(DigestDelivery._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} "
            "(user_id, local_date, status, attempts, item_count, error, claimed_at) "
            "VALUES (%s, %s, %s, 1, 0, '', %s) "
            "ON CONFLICT (user_id, local_date) DO NOTHING RETURNING id",
            [
                user_id,
                connection.ops.adapt_datefield_value(local_date),
                DigestStatus.CLAIMED.value,
                connection.ops.adapt_datetimefield_value(now),
            ],
        )
        inserted = cursor.fetchone()
    if inserted:
        return DigestDelivery.objects.get(pk=inserted[0])
    # Already there: take it over only if it failed and its backoff is over, or its
    # claimer died before sending. Of several runs, one UPDATE matches; the others
    # see the new claimed_at and match nothing.
    taken = (
        DigestDelivery.objects.filter(user_id=user_id, local_date=local_date)
        .filter(takeover_q(now))
        .update(
            status=DigestStatus.CLAIMED,
            claimed_at=now,
            attempts=F("attempts") + 1,
            next_attempt_at=None,
        )
    )
    if not taken:
        return None
    return DigestDelivery.objects.get(user_id=user_id, local_date=local_date)


@dataclass
class Digest:
    agenda: Agenda
    message: EmailMultiAlternatives
    context: dict

    @property
    def item_count(self) -> int:
        return self.agenda.total + len(self.agenda.events)


def digest_subject(agenda: Agenda) -> str:
    people = agenda.total
    if people:
        noun = "person" if people == 1 else "people"
        return f"{people} {noun} to follow up with today"
    if agenda.events:
        return "Events coming up: time to prepare"
    return "Nothing due today"


def digest_context(user, *, agenda: Agenda) -> dict:
    """Everything the templates show, as plain values: contact fields are picked one
    by one so that nothing private (confidential or boundary notes) can slip in."""
    sections = []
    for section in agenda.sections:
        if not section.rows:
            continue
        rows = []
        for row in section.rows:
            contact = row.contact
            rows.append(
                {
                    "name": contact.display_name,
                    "url": absolute_url(contact.get_absolute_url()),
                    "headline": row.headline,
                    "urgency": row.urgency,
                    "due_on": row.due_on,
                    "channel": contact.get_preferred_channel_display()
                    if contact.preferred_channel
                    else "",
                    "availability": contact.availability_notes,
                    "items": [
                        {
                            "reason": followup.reason,
                            "due_on": followup.effective_due_on(),
                            "done_url": action_url(
                                user_id=user.pk, followup_id=followup.pk, action="done"
                            ),
                            "snooze_url": action_url(
                                user_id=user.pk, followup_id=followup.pk, action="snooze"
                            ),
                        }
                        for followup in row.followups
                    ],
                }
            )
        sections.append({"key": section.key, "title": section.title, "rows": rows})
    events = [
        {
            "name": event.name,
            "url": absolute_url(event.get_absolute_url()),
            "starts_on": event.starts_on,
            "location": event.location,
            "target_count": event.target_count,
            "prepared_count": event.prepared_count,
        }
        for event in agenda.events
    ]
    return {
        "user": user,
        "greeting_name": user.first_name or user.get_username(),
        "today": agenda.today,
        "subject": digest_subject(agenda),
        "total": agenda.total,
        "sections": sections,
        "events": events,
        "is_empty": agenda.is_empty,
        "dashboard_url": absolute_url(reverse("dashboard")),
        "preferences_url": absolute_url(reverse("preferences")),
        "unsubscribe_url": unsubscribe_url(user_id=user.pk),
    }


def build_digest(user, *, today: date) -> Digest:
    agenda = build_agenda(user, today=today)
    context = digest_context(user, agenda=agenda)
    message = build_email(
        "digest",
        context,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            # RFC 8058: mail providers POST "List-Unsubscribe=One-Click" to the URL.
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    return Digest(agenda=agenda, message=message, context=context)


def refresh_followups(preferences: Preferences, *, now: datetime) -> None:
    """Bring the user's follow-ups up to date before listing them. A rules failure
    must not cost the user today's email: log it and list what is there."""
    user = preferences.user
    try:
        run_rules(user, now=now, prefs=preferences)
    except Exception:
        logger.exception("Rules failed for user %s before the digest", user.pk)


def record_failure(delivery: DigestDelivery, exc: BaseException, *, now: datetime) -> None:
    attempts = delivery.attempts
    next_attempt = now + retry_delay(attempts) if attempts < MAX_ATTEMPTS else None
    DigestDelivery.objects.filter(pk=delivery.pk).update(
        status=DigestStatus.FAILED,
        error=f"{type(exc).__name__}: {exc}"[:ERROR_MAX_CHARS],
        next_attempt_at=next_attempt,
    )
    logger.warning(
        "Digest for user %s on %s failed (attempt %s): %s",
        delivery.user_id,
        delivery.local_date,
        attempts,
        exc,
    )


def deliver_digest(
    preferences: Preferences, *, local_date: date, now: datetime, mailer, run: DigestRun
) -> None:
    """Claim, build, send and record one user's digest."""
    user = preferences.user
    delivery = claim_delivery(user_id=user.pk, local_date=local_date, now=now)
    if delivery is None:
        run.skipped += 1
        return
    try:
        refresh_followups(preferences, now=now)
        digest = build_digest(user, today=local_date)
    except Exception as exc:
        logger.exception("Could not build the digest for user %s", user.pk)
        record_failure(delivery, exc, now=now)
        run.failed += 1
        run.errors.append(f"{user.get_username()}: {exc}")
        return
    if digest.agenda.is_empty and not preferences.digest_send_empty:
        DigestDelivery.objects.filter(pk=delivery.pk, status=DigestStatus.CLAIMED).update(
            status=DigestStatus.EMPTY, item_count=0
        )
        run.empty += 1
        return
    # The point of no return: only the run that still holds the claim goes on.
    holds_claim = DigestDelivery.objects.filter(
        pk=delivery.pk, status=DigestStatus.CLAIMED, claimed_at=delivery.claimed_at
    ).update(status=DigestStatus.SENDING)
    if not holds_claim:
        run.skipped += 1
        return
    try:
        ensure_open(mailer)
        if mailer.send_messages([digest.message]) != 1:
            raise RuntimeError("the mail backend accepted no message")
    except Exception as exc:
        # The server refused or was unreachable: nothing went out, so retry later.
        close_quietly(mailer)
        record_failure(delivery, exc, now=now)
        run.failed += 1
        run.errors.append(f"{user.get_username()}: {exc}")
        return
    DigestDelivery.objects.filter(pk=delivery.pk).update(
        status=DigestStatus.SENT, sent_at=timezone.now(), item_count=digest.item_count, error=""
    )
    run.sent += 1


def ensure_open(mailer) -> None:
    """One SMTP connection serves the whole run, but building a digest can take long
    enough for the server to drop an idle connection: check it with a NOOP (which
    sends no message, so reconnecting cannot duplicate one) and reconnect if needed."""
    smtp = getattr(mailer, "connection", None)
    if isinstance(smtp, smtplib.SMTP):
        try:
            smtp.noop()
        except (smtplib.SMTPException, OSError):
            close_quietly(mailer)
    mailer.open()


def close_quietly(mailer) -> None:
    try:
        mailer.close()
    except Exception:  # a broken connection may fail to close too; it is dropped anyway
        logger.debug("Closing the mail connection failed", exc_info=True)


def send_due_digests(*, now: datetime | None = None) -> DigestRun:
    """The digest job: what the beat task and `manage.py send_digests` run. Safe to
    run several times at once."""
    now = now or timezone.now()
    run = DigestRun()
    mailer = mailers.default
    try:
        for preferences, local_date in due_preferences(now):
            deliver_digest(preferences, local_date=local_date, now=now, mailer=mailer, run=run)
    finally:
        close_quietly(mailer)
    logger.info("Digest run at %s: %s", now.isoformat(), run)
    return run


def preview_digest(user, *, now: datetime | None = None) -> Digest:
    """Today's digest for the in-app preview: built exactly as the job builds it, but
    not sent and not recorded."""
    today = Preferences.for_user(user).local_today(now)
    return build_digest(user, today=today)
