"""The dashboard shows the most urgent rows of each section, with the exact count and a
"Show all" link to the rest: HTMX batches in place, a section page without JavaScript."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from followups import views
from followups.models import FollowUpKind, FollowUpStatus
from followups.selectors import build_agenda
from tests.factories import CommitmentFactory, ContactFactory, FollowUpFactory, ResourceFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
TODAY = date(2026, 3, 4)
HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def check_ins(owner, n: int) -> list:
    """`n` people to check in with, the first one the most overdue."""
    return [
        FollowUpFactory(
            owner=owner,
            contact=ContactFactory(owner=owner, last_name=f"Person{i:03d}"),
            kind=FollowUpKind.CHECK_IN,
            due_on=TODAY - timedelta(days=n - i),
        )
        for i in range(n)
    ]


def row_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li class="row agenda-row[^"]*" id="row-(\d+)"', html)]


def section_url(key: str, **query) -> str:
    url = reverse("agenda_section", args=[key])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_it_shows_the_most_urgent_rows_and_the_exact_count(alice_client, alice):
    followups = check_ins(alice, views.ROWS_PER_SECTION + 3)
    html = alice_client.get("/").content.decode()
    most_urgent = [f.contact_id for f in followups[: views.ROWS_PER_SECTION]]
    assert row_ids(html) == most_urgent
    count = views.ROWS_PER_SECTION + 3
    assert f'<span id="count-check_ins" class="count" aria-label="{count} to do"' in html
    assert f'<strong id="agenda-total">{count}</strong>' in html
    assert f"Show all {count}</a>" in html
    assert f'href="{section_url("check_ins")}"' in html
    assert f'hx-get="{section_url("check_ins", start=views.ROWS_PER_SECTION)}"' in html
    assert "3 more people in check-ins" in html


def test_it_has_no_show_all_link_when_everything_fits(alice_client, alice):
    check_ins(alice, views.ROWS_PER_SECTION)
    html = alice_client.get("/").content.decode()
    assert len(row_ids(html)) == views.ROWS_PER_SECTION
    assert "Show all" not in html
    assert "agenda-more" not in html


def test_it_brings_the_rest_of_a_section_to_htmx(alice_client, alice):
    followups = check_ins(alice, views.ROWS_PER_SECTION + 3)
    response = alice_client.get(section_url("check_ins", start=views.ROWS_PER_SECTION), headers=HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert row_ids(html) == [f.contact_id for f in followups[views.ROWS_PER_SECTION :]]
    assert "Show more" not in html


def test_it_brings_a_long_section_in_batches(alice_client, alice, monkeypatch):
    monkeypatch.setattr(views, "ROWS_PER_BATCH", 4)
    followups = check_ins(alice, 11)
    html = alice_client.get(section_url("check_ins", start=2), headers=HX).content.decode()
    assert row_ids(html) == [f.contact_id for f in followups[2:6]]
    assert f'hx-get="{section_url("check_ins", start=6)}"' in html
    assert "5 more people in check-ins" in html
    last = alice_client.get(section_url("check_ins", start=10), headers=HX).content.decode()
    assert row_ids(last) == [followups[10].contact_id]
    assert "Show more" not in last


def test_it_shows_a_section_as_a_page_without_javascript(alice_client, alice, monkeypatch):
    monkeypatch.setattr(views, "ROWS_PER_BATCH", 5)
    followups = check_ins(alice, 12)
    response = alice_client.get(section_url("check_ins"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert "<h1>Check-ins for relationships going stale</h1>" in html
    assert row_ids(html) == [f.contact_id for f in followups[:5]]
    assert f'href="{section_url("check_ins", start=5)}"' in html
    assert "Previous 5" not in html
    second = alice_client.get(section_url("check_ins", start=5)).content.decode()
    assert row_ids(second) == [f.contact_id for f in followups[5:10]]
    assert f'href="{section_url("check_ins")}">Previous 5</a>' in second
    assert 'aria-label="12 to do"' in second


@pytest.mark.parametrize("start", ["-3", "abc", ""])
def test_it_reads_a_bad_start_as_the_beginning(alice_client, alice, start):
    followups = check_ins(alice, 3)
    html = alice_client.get(section_url("check_ins") + f"?start={start}").content.decode()
    assert row_ids(html) == [f.contact_id for f in followups]


def test_it_answers_404_for_an_unknown_section(alice_client):
    assert alice_client.get(section_url("gossip")).status_code == 404


def test_it_shows_only_the_owners_rows(alice, bob, bob_client):
    check_ins(alice, views.ROWS_PER_SECTION + 3)
    mine = check_ins(bob, 1)
    html = bob_client.get(section_url("check_ins")).content.decode()
    assert row_ids(html) == [mine[0].contact_id]
    assert 'aria-label="1 to do"' in html
    htmx = bob_client.get(section_url("check_ins", start=1), headers=HX).content.decode()
    assert row_ids(htmx) == []


def test_it_checks_ownership_of_a_row_beyond_the_first_ones(alice, bob_client):
    hidden = check_ins(alice, views.ROWS_PER_SECTION + 1)[-1]
    url = reverse("row_done", args=[hidden.contact_id])
    assert bob_client.post(url, {"followup": [hidden.pk]}, headers=HX).status_code == 404
    hidden.refresh_from_db()
    assert hidden.status == FollowUpStatus.OPEN


def test_it_refreshes_a_row_beyond_the_first_ones(alice_client, alice):
    hidden = check_ins(alice, views.ROWS_PER_SECTION + 1)[-1]
    url = reverse("row_snooze", args=[hidden.contact_id])
    response = alice_client.post(url, {"followup": [hidden.pk], "when": "date"}, headers=HX)
    html = response.content.decode()
    assert f'id="row-{hidden.contact_id}"' in html
    assert '<p class="errorlist" role="alert">Choose the date to bring it back.</p>' in html
    assert f'aria-label="{views.ROWS_PER_SECTION + 1} to do"' in html


def test_its_section_page_reads_in_a_constant_number_of_queries(
    alice_client, alice, django_assert_num_queries
):
    check_ins(alice, 3)
    # Session, user, preferences, the plan of every row, the rows shown, events.
    with django_assert_num_queries(6) as small:
        alice_client.get(section_url("check_ins"))
    check_ins(alice, 30)
    with django_assert_num_queries(len(small.captured_queries)):
        alice_client.get(section_url("check_ins"))


def test_it_reads_resources_and_promises_with_the_follow_ups(alice, django_assert_num_queries):
    contact = ContactFactory(owner=alice)
    resource = ResourceFactory(owner=alice, title="Remote monitoring", url="https://x.org/rm")
    commitment = CommitmentFactory(owner=alice, contact=contact, description="Send the slides")
    FollowUpFactory(owner=alice, contact=contact, kind=FollowUpKind.SHARE, resource=resource)
    FollowUpFactory(
        owner=alice, contact=contact, kind=FollowUpKind.COMMITMENT, commitment=commitment
    )
    with django_assert_num_queries(3):  # plan, the rows shown, events
        agenda = build_agenda(alice, today=TODAY, limit=1)
        row = agenda.section("promises").shown[0]
        assert row.headline == "Your promise: Send the slides and share “Remote monitoring”"
        assert [f.resource.url for f in row.followups if f.resource] == ["https://x.org/rm"]


def test_it_shows_every_row_without_a_limit(alice):
    """The daily email asks for the whole list."""
    check_ins(alice, views.ROWS_PER_SECTION + 3)
    section = build_agenda(alice, today=TODAY).section("check_ins")
    assert section.shown == section.rows
    assert section.hidden_count == 0
    assert section.count == views.ROWS_PER_SECTION + 3


def test_it_loads_only_the_rows_it_shows_but_counts_them_all(alice):
    check_ins(alice, 30)
    agenda = build_agenda(alice, today=TODAY, limit=10)
    section = agenda.section("check_ins")
    assert section.count == 30
    assert len(section.rows) == 10
    assert section.hidden_count == 20
    assert agenda.total == 30


def test_it_loads_a_window_of_one_section_in_order(alice):
    check_ins(alice, 30)
    everything = build_agenda(alice, today=TODAY).section("check_ins").rows
    window = build_agenda(alice, today=TODAY, window=("check_ins", 10, 5)).section("check_ins")
    assert [r.contact.pk for r in window.rows] == [r.contact.pk for r in everything[10:15]]
    assert window.count == 30


def test_it_loads_one_persons_row_beyond_the_limit_to_redraw_it(alice):
    check_ins(alice, 30)
    last = build_agenda(alice, today=TODAY).section("check_ins").rows[-1].contact
    agenda = build_agenda(alice, today=TODAY, limit=10, contact_id=last.pk)
    assert agenda.row_for(last.pk) is not None
