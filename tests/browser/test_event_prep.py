"""Preparing for a conference in a real browser: pick a target inline, filter, write
talking points, print the brief, then tick who you met."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contacts.models import ConnectionKind
from interactions.choices import Channel
from interactions.models import Attendance, AttendanceRole, Interaction
from tests.conftest import login_in_browser
from tests.factories import (
    AttendanceFactory,
    ConnectionFactory,
    ContactFactory,
    EventFactory,
    InteractionFactory,
    ResourceFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build_conference(owner):
    today = timezone.localdate()
    event = EventFactory(
        owner=owner,
        name="North American Digital Cardiology Summit",
        starts_on=today,
        ends_on=today + timedelta(days=2),
        location="Palais des congrès, Montreal",
        goals="Meet three heart-failure clinicians interested in a remote-monitoring pilot.",
    )
    hf = TopicFactory(owner=owner, name="heart failure")
    wearables = TopicFactory(owner=owner, name="wearables")
    ResourceFactory(owner=owner, title="Remote monitoring cut HF readmissions by 20%", topics=[hf])
    people = [
        ("Amélie", "Tremblay", "Cardiology", "CHUM", [hf, wearables], "A talk on home telemetry"),
        ("Omar", "Haddad", "Cardiology", "McGill University Health Centre", [hf], ""),
        ("Priya", "Raman", "Emergency Medicine", "Sunnybrook", [], ""),
        ("Daniel", "Okafor", "Nephrology", "Toronto General", [wearables], ""),
        ("Sofia", "Lindqvist", "Cardiology", "Mayo Clinic", [], "A trial of AI triage"),
    ]
    attendances = {}
    for i, (first, last, specialty, institution, interests, work) in enumerate(people):
        contact = ContactFactory(
            owner=owner,
            first_name=first,
            last_name=last,
            specialty=specialty,
            institution=institution,
            interests=interests,
            recent_work=work,
            confidential_notes="confidential: do not print",
        )
        attendances[last] = AttendanceFactory(
            owner=owner,
            event=event,
            contact=contact,
            role=AttendanceRole.SPEAKER if i == 0 else AttendanceRole.ATTENDEE,
        )
    ConnectionFactory(
        owner=owner,
        from_contact=attendances["Haddad"].contact,
        to_contact=attendances["Tremblay"].contact,
        kind=ConnectionKind.COLLEAGUE,
    )
    InteractionFactory(
        owner=owner,
        contact=attendances["Haddad"].contact,
        occurred_at=timezone.now() - timedelta(days=40),
    )
    return event, attendances


def test_it_prepares_for_an_event_and_logs_who_you_met(page, live_server, artifacts_dir):
    alice = UserFactory(username="alice")
    event, attendances = build_conference(alice)
    AttendanceFactory(
        owner=alice,
        event=event,
        contact__last_name="Already",
        is_target=True,
        contact__first_name="Grace",
        contact__specialty="Cardiology",
        goals="Ask for an intro to the HF nurse lead",
        talking_points="- Her registry paper\n- The Montreal pilot",
    )
    login_in_browser(page, live_server, "alice")
    page.goto(f"{live_server.url}{event.get_absolute_url()}")

    # Mark a target inline: the row and the targets section update without a reload.
    tremblay = attendances["Tremblay"]
    row = page.locator(f"#attendee-{tremblay.pk}")
    row.get_by_role("button", name="Make target").click()
    page.locator(f"#attendee-{tremblay.pk} button[aria-pressed=true]").wait_for()
    prep = page.locator(f"#target-{tremblay.pk}")
    prep.wait_for()
    assert "Shared interest: heart failure" in prep.inner_text()
    assert "Mutual connection: Dr. Omar Haddad" in prep.inner_text()
    assert Attendance.objects.get(pk=tremblay.pk).is_target

    # Save talking points.
    prep.locator("textarea[name=talking_points]").fill("- Her home telemetry talk\n- HF pilot")
    prep.get_by_role("button", name="Save prep").click()
    page.locator(f"#target-{tremblay.pk} [role=status]").wait_for()
    assert Attendance.objects.get(pk=tremblay.pk).talking_points.startswith("- Her home")

    page.goto(f"{live_server.url}{event.get_absolute_url()}")  # a fresh load, scrolled to the top
    page.screenshot(path=os.path.join(artifacts_dir, "event_page.png"), full_page=True)

    # Filter: only people already in the network.
    page.select_option("#id_network", "yes")
    expect(page.locator("#attendees tbody tr")).to_have_count(1)
    assert "Haddad" in page.locator("#attendees tbody").inner_text()
    assert "network=yes" in page.url

    # The printable brief.
    page.goto(f"{live_server.url}/events/{event.pk}/brief/")
    assert page.locator("[data-print]").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("[data-print]").is_visible()
    assert not page.locator(".topbar").is_visible()
    text = page.locator("main").inner_text()
    assert "Tremblay" in text and "Her home telemetry talk" in text
    assert "confidential" not in text.lower().replace("confidential notes", "")
    page.screenshot(path=os.path.join(artifacts_dir, "event_brief_print.png"), full_page=True)
    page.emulate_media(media="screen")

    # After the event: tick who you met.
    page.goto(f"{live_server.url}{event.get_absolute_url()}")
    page.check(f"#attendee-{tremblay.pk} input[type=checkbox]")
    page.check(f"#attendee-{attendances['Raman'].pk} input[type=checkbox]")
    page.get_by_role("button", name="Log who I met").click()
    page.locator(".flash__item--success").wait_for()
    logged = Interaction.objects.filter(owner=alice, channel=Channel.CONFERENCE, event=event)
    assert set(logged.values_list("contact__last_name", flat=True)) == {"Tremblay", "Raman"}
    assert page.locator(f"#attendee-{tremblay.pk}").get_by_text("Met").is_visible()


def test_it_shows_the_event_list_form_errors_export_and_calendar_pages(
    page, live_server, artifacts_dir
):
    alice = UserFactory(username="alice")
    build_conference(alice)
    EventFactory(
        owner=alice,
        name="Emergency Medicine Innovation Day",
        starts_on=timezone.localdate() - timedelta(days=60),
        ends_on=None,
    )
    login_in_browser(page, live_server, "alice")

    page.goto(f"{live_server.url}/events/")
    assert "North American Digital Cardiology Summit" in page.locator("main").inner_text()
    page.screenshot(path=os.path.join(artifacts_dir, "event_list.png"), full_page=True)

    page.get_by_role("link", name="New event").click()
    page.fill("#id_name", "Heart Rhythm Congress")
    page.fill("#id_starts_on", "2026-12-10")
    page.fill("#id_ends_on", "2026-12-01")
    page.get_by_role("button", name="Create event").click()
    assert "cannot be before the first day" in page.locator("#id_ends_on_error").inner_text()
    page.screenshot(path=os.path.join(artifacts_dir, "event_form_errors.png"), full_page=True)
    page.fill("#id_ends_on", "2026-12-12")
    page.get_by_role("button", name="Create event").click()
    page.wait_for_url("**/events/*/")
    assert page.locator("h1").inner_text() == "Heart Rhythm Congress"

    page.goto(f"{live_server.url}/contacts/export/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    page.screenshot(path=os.path.join(artifacts_dir, "export_page.png"), full_page=True)

    page.goto(f"{live_server.url}/calendar/")
    feed = page.locator("#feed-url").input_value()
    assert feed.startswith(live_server.url) and feed.endswith(".ics")
    page.screenshot(path=os.path.join(artifacts_dir, "calendar_page.png"), full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Make a new address").click()
    page.locator(".flash__item--success").wait_for()
    assert page.locator("#feed-url").input_value() != feed
