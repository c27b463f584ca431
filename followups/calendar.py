"""The private iCalendar feed: open follow-ups and open promises with due dates, as
all-day events, so they show up in the user's own calendar. Nothing confidential goes
in: the summary names the contact and the task, the description the rule's reason."""

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

from followups.models import (
    Commitment,
    CommitmentDirection,
    CommitmentStatus,
    FollowUp,
    FollowUpStatus,
)

PRODID = "-//Rapport//Follow-ups and promises//EN"


def _uid(kind: str, pk: int) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "rapport"
    return f"{kind}-{pk}@{host}"


def _all_day(uid: str, day, summary: str, description: str, url: str, now: datetime):
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", now)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    if description:
        event.add("description", description)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")  # a reminder, not a busy slot
    return event


def build_calendar(user, *, now: datetime | None = None) -> bytes:
    """The user's feed as iCalendar bytes. Three queries, whatever the number of items."""
    now = now or timezone.now()
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Rapport: follow-ups and promises")

    commitments = list(
        Commitment.objects.for_user(user)
        .filter(status=CommitmentStatus.OPEN, due_on__isnull=False)
        .select_related("contact")
        .order_by("due_on", "pk")
    )
    for commitment in commitments:
        contact = commitment.contact
        if commitment.direction == CommitmentDirection.I_OWE:
            summary = f"Promise to {contact.display_name}: {commitment.description}"
        else:
            summary = f"{contact.display_name} promised: {commitment.description}"
        calendar.add_component(
            _all_day(
                _uid("commitment", commitment.pk),
                commitment.due_on,
                summary,
                f"Promised on {commitment.promised_on.day} {commitment.promised_on:%B %Y}.",
                settings.SITE_URL + contact.get_absolute_url(),
                now,
            )
        )

    listed = {c.pk for c in commitments}
    followups = (
        FollowUp.objects.for_user(user)
        .filter(status__in=[FollowUpStatus.OPEN, FollowUpStatus.SNOOZED])
        .select_related("contact")
        .order_by("due_on", "pk")
    )
    for followup in followups:
        if followup.commitment_id in listed:
            continue  # the promise itself is already in the feed
        contact = followup.contact
        lines = [followup.reason]
        if contact.availability_notes:
            lines.append(f"Availability: {contact.availability_notes}")
        calendar.add_component(
            _all_day(
                _uid("followup", followup.pk),
                followup.effective_due_on(),
                f"{followup.get_kind_display()}: {contact.display_name}",
                "\n".join(line for line in lines if line),
                settings.SITE_URL + contact.get_absolute_url(),
                now,
            )
        )
    return calendar.to_ical()
