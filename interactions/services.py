"""Writes that concern interactions. Views, imports and the draft helper call these."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from contacts.models import Contact
from followups.rules import ask_warning, refresh_contact
from interactions.choices import Channel, Direction, Purpose, Value
from interactions.models import Attendance, Event, Interaction


@transaction.atomic
def interaction_log(
    *,
    owner,
    contact: Contact,
    occurred_at: datetime,
    channel: str,
    direction: str,
    purpose: str = Purpose.OTHER,
    summary: str = "",
    value: str = Value.NEUTRAL,
    value_kind: str = "",
    awaiting_reply: bool = False,
    event: Event | None = None,
    resource=None,
) -> Interaction:
    """Record an interaction, then bring that contact's follow-ups up to date (close
    what it answers, open what it causes) in the same transaction."""
    if contact.owner_id != owner.pk:
        raise ValueError("The contact belongs to another user.")
    interaction = Interaction.objects.create(
        owner=owner,
        contact=contact,
        occurred_at=occurred_at,
        channel=channel,
        direction=direction,
        purpose=purpose,
        summary=summary,
        value=value,
        value_kind=value_kind,
        awaiting_reply=awaiting_reply and direction == Direction.OUTBOUND,
        event=event,
        resource=resource,
    )
    # Close what it answers (a thank-you, a reply, a check-in), clear stale, update
    # pacing, open what it causes: same transaction, so the dashboard is right at once.
    now = timezone.now()
    refresh_contact(contact, now=now)
    # Not stored: the view shows it once ("give before you ask").
    interaction.reciprocity_warning = ask_warning(contact, now=now) if value == Value.ASK else None
    return interaction


def attendance_set_target(*, attendance: Attendance, is_target: bool) -> Attendance:
    if attendance.is_target != is_target:
        attendance.is_target = is_target
        attendance.save(update_fields=["is_target"])
    return attendance


def attendance_update_prep(
    *, attendance: Attendance, goals: str, talking_points: str
) -> Attendance:
    attendance.goals = goals
    attendance.talking_points = talking_points
    attendance.save(update_fields=["goals", "talking_points"])
    return attendance


class EventNotStarted(ValueError):
    """Who you met can only be recorded once the event has begun."""


def encounter_time(*, event: Event, now: datetime, tz: ZoneInfo) -> datetime:
    """When a conference encounter happened, as best we know: now while the event runs,
    the late afternoon of its last day when it is already over."""
    today = now.astimezone(tz).date()
    if event.starts_on is not None and today < event.starts_on:
        raise EventNotStarted(f"{event} has not started yet.")
    last_day = event.ends_on or event.starts_on
    if last_day is not None and today > last_day:
        return datetime.combine(last_day, time(17, 0), tzinfo=tz)
    return now


@transaction.atomic
def event_record_met(
    *, owner, event: Event, attendances: list[Attendance], now: datetime, tz: ZoneInfo
) -> list[Interaction]:
    """Mark the attendances as met and log one conference encounter for each one not met
    before, so that the follow-up rules open the thank-yous. Running it twice logs
    nothing twice."""
    if event.owner_id != owner.pk:
        raise ValueError("The event belongs to another user.")
    occurred_at = encounter_time(event=event, now=now, tz=tz)
    logged = []
    for attendance in attendances:
        if attendance.event_id != event.pk or attendance.owner_id != owner.pk:
            raise ValueError("The attendance is not one of this event's.")
        if attendance.met:
            continue
        attendance.met = True
        attendance.met_at = now
        attendance.save(update_fields=["met", "met_at"])
        logged.append(
            interaction_log(
                owner=owner,
                contact=attendance.contact,
                occurred_at=occurred_at,
                channel=Channel.CONFERENCE,
                direction=Direction.MUTUAL,
                purpose=Purpose.MEETING,
                summary=f"Met at {event.name}.",
                event=event,
            )
        )
    return logged
