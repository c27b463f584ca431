from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db.models import Max

from contacts.demo_benchmark import Profile, seed_benchmark
from contacts.models import Contact
from followups.models import Commitment, FollowUp, FollowUpStatus
from interactions.choices import Direction
from interactions.models import Attendance, Event, Interaction

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
SMALL = Profile(
    heavy_contacts=60,
    heavy_interactions=300,
    heavy_open_followups=40,
    heavy_commitments=10,
    heavy_events=3,
    attendees_per_event=25,
    other_users=4,
    other_contacts=10,
    other_interactions=20,
    other_open_followups=3,
    other_commitments=2,
)


def snapshot():
    return (
        sorted(Contact.objects.values_list("owner__username", "email", "last_two_way_at")),
        sorted(FollowUp.objects.values_list("contact__email", "kind", "due_on")),
    )


def test_it_builds_the_profile_deterministically_and_refreshes_in_place():
    result = seed_benchmark(seed=2, now=NOW, profile=SMALL)
    first = snapshot()
    seed_benchmark(seed=2, now=NOW, profile=SMALL)
    assert snapshot() == first
    assert (result.users, result.contacts, result.interactions) == (5, 100, 380)
    heavy = Contact.objects.filter(owner__username="demo")
    assert heavy.count() == 60
    assert Interaction.objects.filter(owner__username="demo").count() == 300
    assert FollowUp.objects.filter(owner__username="demo", status=FollowUpStatus.OPEN).count() == 40
    assert Commitment.objects.filter(owner__username="demo").count() == 10
    assert Event.objects.filter(owner__username="demo").count() == 3
    assert Attendance.objects.filter(owner__username="demo").count() == 75
    assert Contact.objects.filter(owner__username="demo5").count() == 10


def test_it_fills_the_dates_interaction_log_would_have_kept():
    seed_benchmark(seed=1, now=NOW, profile=SMALL)
    contact = (
        Contact.objects.filter(owner__username="demo", last_two_way_at__isnull=False)
        .order_by("pk")
        .first()
    )
    latest = Interaction.objects.filter(
        contact=contact, direction__in=[Direction.INBOUND, Direction.MUTUAL]
    ).aggregate(Max("occurred_at"))["occurred_at__max"]
    assert contact.last_two_way_at == latest


def test_it_is_reachable_from_the_command(monkeypatch):
    monkeypatch.setattr(
        "contacts.management.commands.seed_demo.seed_benchmark",
        lambda seed: seed_benchmark(seed=seed, now=NOW, profile=SMALL),
    )
    call_command("seed_demo", "--benchmark")
    assert Contact.objects.filter(owner__username="demo").count() == 60
