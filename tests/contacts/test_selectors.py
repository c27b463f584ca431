from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from contacts.models import Tier
from contacts.selectors import (
    ContactFilters,
    build_rhythm,
    contact_page,
    filter_contacts,
    month_starts,
)
from interactions.choices import Value
from tests.contacts.network import build_network
from tests.factories import (
    AttendanceFactory,
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    InteractionFactory,
    TopicFactory,
)

TODAY = date(2026, 3, 15)


def names(queryset) -> list[str]:
    return [c.last_name for c in queryset]


def search(user, **filters):
    return names(filter_contacts(user, ContactFilters(**filters), today=TODAY))


@pytest.fixture
def people(alice):
    sepsis = TopicFactory(owner=alice, name="Sepsis")
    return {
        "okafor": ContactFactory(
            owner=alice, last_name="Okafor", specialty="Cardiology", institution="Lakeshore"
        ),
        "berg": ContactFactory(
            owner=alice,
            last_name="Berg",
            specialty="Neurology",
            institution="Riverside Cancer Centre",
            interests=[sepsis],
        ),
        "chen": ContactFactory(
            owner=alice, last_name="Chen", specialty="Oncology", notes="Wants the pilot protocol"
        ),
    }


@pytest.mark.django_db
class TestSearch:
    def test_it_finds_by_name_institution_specialty_interest_and_notes(self, alice, people):
        assert search(alice, q="okaf") == ["Okafor"]
        assert search(alice, q="riverside") == ["Berg"]
        assert search(alice, q="NEURO") == ["Berg"]
        assert search(alice, q="seps") == ["Berg"]
        assert search(alice, q="pilot") == ["Chen"]

    def test_it_needs_every_word_to_match(self, alice, people):
        assert search(alice, q="cardiology lakeshore") == ["Okafor"]
        assert search(alice, q="cardiology riverside") == []

    def test_it_never_shows_another_users_contacts(self, alice, bob, people):
        ContactFactory(owner=bob, last_name="Okafor")
        assert search(alice, q="okafor") == ["Okafor"]
        assert search(bob, q="okafor") == ["Okafor"]
        assert len(search(bob)) == 1

    def test_it_hides_archived_contacts_unless_asked(self, alice, people):
        people["chen"].archived_at = datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC"))
        people["chen"].save()
        assert search(alice) == ["Berg", "Okafor"]
        assert search(alice, archived=True) == ["Chen"]

    @pytest.mark.postgres
    def test_it_forgives_a_typo_in_a_name_on_postgresql(self, alice, people):
        assert search(alice, q="Okafur") == ["Okafor"]
        assert search(alice, q="Okafur", sort="relevance") == ["Okafor"]


@pytest.mark.django_db
class TestFilters:
    def test_it_filters_stale_on_hold_and_tier(self, alice, people):
        people["okafor"].stale_since = TODAY - timedelta(days=3)
        people["okafor"].save()
        people["berg"].on_hold_until = TODAY
        people["berg"].tier = Tier.CLOSE
        people["berg"].save()
        people["chen"].on_hold_until = TODAY - timedelta(days=1)  # the hold is over
        people["chen"].save()
        assert search(alice, stale=True) == ["Okafor"]
        assert search(alice, on_hold=True) == ["Berg"]
        assert search(alice, tier=Tier.CLOSE) == ["Berg"]

    def test_it_filters_by_topic_and_event(self, alice, people):
        topic = people["berg"].interests.get()
        event = EventFactory(owner=alice)
        AttendanceFactory(owner=alice, event=event, contact=people["chen"])
        people["okafor"].met_at_event = event
        people["okafor"].save()
        assert search(alice, topic=topic) == ["Berg"]
        assert search(alice, event=event) == ["Chen", "Okafor"]

    def test_it_sorts(self, alice, people):
        people["chen"].last_two_way_at = datetime(2026, 3, 1, tzinfo=ZoneInfo("UTC"))
        people["chen"].save()
        people["berg"].last_two_way_at = datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC"))
        people["berg"].save()
        assert search(alice, sort="recent") == ["Chen", "Berg", "Okafor"]
        assert search(alice, sort="silent") == ["Okafor", "Berg", "Chen"]
        assert search(alice, sort="added") == ["Chen", "Berg", "Okafor"]
        assert search(alice, sort="nonsense") == ["Berg", "Chen", "Okafor"]


class TestRhythm:
    def test_it_lists_the_last_twelve_months_oldest_first(self):
        starts = month_starts(date(2026, 3, 15), 12)
        assert starts[0] == date(2025, 4, 1)
        assert starts[-1] == date(2026, 3, 1)
        assert len(set(starts)) == 12

    def test_it_scales_bars_to_the_busiest_month(self):
        rhythm = build_rhythm({date(2026, 3, 1): 4, date(2026, 1, 1): 2}, date(2026, 3, 15))
        heights = [m.height for m in rhythm.months]
        assert rhythm.total == 6
        assert heights[-1] == rhythm.height - 4
        assert heights[-3] == pytest.approx(heights[-1] / 2)
        assert min(heights) > 0  # empty months stay visible as slivers
        assert "Mar 2026: 4" in rhythm.description

    def test_an_empty_year_draws_no_division_by_zero(self):
        rhythm = build_rhythm({}, date(2026, 3, 15))
        assert rhythm.total == 0
        assert rhythm.description == "0 interactions in the last 12 months."


@pytest.mark.django_db
class TestContactPage:
    @time_machine.travel(datetime(2026, 3, 15, 15, tzinfo=ZoneInfo("UTC")), tick=False)
    def test_it_counts_interactions_per_local_month_and_the_give_ask_balance(self, alice):
        contact = ContactFactory(owner=alice)
        at = datetime(2026, 3, 1, 3, tzinfo=ZoneInfo("UTC"))  # Feb 28 in Toronto
        prefs = alice.preferences
        prefs.time_zone = "America/Toronto"
        prefs.save()
        InteractionFactory(owner=alice, contact=contact, occurred_at=at, value=Value.GIVE)
        InteractionFactory(owner=alice, contact=contact, occurred_at=at, value=Value.ASK)
        InteractionFactory(
            owner=alice, contact=contact, occurred_at=at - timedelta(days=400), value=Value.ASK
        )
        page = contact_page(alice, contact.pk, now=datetime.now(tz=ZoneInfo("UTC")))
        assert [m.count for m in page.rhythm.months][-2:] == [2, 0]
        assert (page.give_ask.gives, page.give_ask.asks) == (1, 1)
        assert not page.give_ask.needs_give
        assert page.next_check_in_due == date(2026, 2, 28) + timedelta(days=90)

    def test_it_is_a_404_for_another_users_contact(self, alice, bob):
        contact = ContactFactory(owner=alice)
        with pytest.raises(Http404):
            contact_page(bob, contact.pk, now=datetime.now(tz=ZoneInfo("UTC")))

    def test_it_lists_open_follow_ups_only(self, alice):
        contact = ContactFactory(owner=alice)
        FollowUpFactory(owner=alice, contact=contact, reason="open one")
        FollowUpFactory(owner=alice, contact=contact, reason="done one", status="done")
        page = contact_page(alice, contact.pk, now=datetime.now(tz=ZoneInfo("UTC")))
        assert [f.reason for f in page.followups] == ["open one"]

    def test_it_takes_the_same_number_of_queries_whatever_the_size(self, alice, bob):
        counts = []
        for owner, size in ((alice, 2), (bob, 8)):
            hub = build_network(owner, size)[0]
            with CaptureQueriesContext(connection) as queries:
                page = contact_page(owner, hub.pk, now=datetime.now(tz=ZoneInfo("UTC")))
                # Touch everything the template touches.
                for item in page.interactions:
                    str(item.event), str(item.resource)
                for followup in page.followups:
                    str(followup.resource)
                for _, person, _ in page.connections:
                    str(person)
                for attendance in page.attendances:
                    str(attendance.event)
                str(page.contact.met_at_event)
            assert len(page.connections) == 2 * (size - 1)
            counts.append(len(queries))
        assert counts[0] == counts[1] == 9  # the owner is not loaded again (was 10)
