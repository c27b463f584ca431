from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from contacts.demo import seed_demo
from contacts.models import Contact
from interactions.models import Interaction

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)


def snapshot():
    return sorted(
        Contact.objects.values_list("first_name", "last_name", "specialty", "institution", "email")
    )


def test_it_is_deterministic_and_refreshes_instead_of_duplicating():
    seed_demo(users=2, contacts=15, seed=3, now=NOW)
    first = snapshot()
    seed_demo(users=2, contacts=15, seed=3, now=NOW)
    assert snapshot() == first
    assert Contact.objects.count() == 30
    assert Interaction.objects.filter(owner__username="demo2").exists()


def test_it_refuses_to_set_demo_passwords_with_debug_off(settings):
    settings.DEBUG = False
    settings.TESTING = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
