"""Writes that concern interactions. Views, imports and the draft helper call these."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from contacts.models import Contact
from followups.rules import ask_warning, refresh_contact
from interactions.choices import Direction, Purpose, Value
from interactions.models import Event, Interaction


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
