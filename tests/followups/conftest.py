"""Fixtures and helpers for the follow-up engine's tests. Times are built in the
owner's zone (Toronto: midnight and DST are where bugs hide) and rules run with the
clock frozen by time-machine at the same instant they are given as `now`."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from followups.models import FollowUp, Preferences
from followups.rules import run_rules
from interactions.choices import Channel, Direction
from tests.factories import ContactFactory, InteractionFactory

TORONTO = ZoneInfo("America/Toronto")


def local(year, month, day, hour=12, minute=0, tz=TORONTO) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


@pytest.fixture
def owner(alice):
    prefs = Preferences.for_user(alice)
    prefs.time_zone = "America/Toronto"
    prefs.save()
    return alice


@pytest.fixture
def contact(owner):
    return ContactFactory(owner=owner)


def talk(contact, at, channel=Channel.IN_PERSON, direction=Direction.MUTUAL, **extra):
    return InteractionFactory(
        owner=contact.owner,
        contact=contact,
        occurred_at=at,
        channel=channel,
        direction=direction,
        **extra,
    )


def write(contact, at, direction=Direction.OUTBOUND, **extra):
    return talk(contact, at, channel=Channel.EMAIL, direction=direction, **extra)


def run(user, now):
    with time_machine.travel(now, tick=False):
        return run_rules(user, now=now)


def followups(user, kind=None):
    qs = FollowUp.objects.filter(owner=user).order_by("id")
    return list(qs.filter(kind=kind) if kind else qs)


def snapshot(user):
    return sorted(
        FollowUp.objects.filter(owner=user).values_list(
            "id", "kind", "contact_id", "status", "due_on", "snoozed_until", "dedupe_key"
        )
    )
