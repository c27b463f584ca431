"""The daily email and its pages in a real Chromium: the HTML email as a mail client
would show it, the preview page, a one-click Done, and the settings page."""

import os
from datetime import timedelta

import pytest

from followups.digest import build_digest
from followups.models import FollowUp, FollowUpKind, FollowUpStatus, Preferences
from interactions.choices import Channel
from tests.conftest import login_in_browser
from tests.factories import (
    CommitmentFactory,
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    ResourceFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def a_full_day(user):
    today = Preferences.for_user(user).local_today()
    amara = ContactFactory(
        owner=user,
        first_name="Amara",
        last_name="Okafor",
        preferred_channel=Channel.EMAIL,
        availability_notes="Clinic Mon–Wed; best on Friday mornings",
        confidential_notes="SECRET-SCREENSHOT",
    )
    FollowUpFactory(
        owner=user,
        contact=amara,
        kind=FollowUpKind.THANK_YOU,
        reason="You met at the Heart Failure Summit yesterday.",
        due_on=today - timedelta(days=1),
    )
    FollowUpFactory(
        owner=user,
        contact=amara,
        kind=FollowUpKind.SHARE,
        resource=ResourceFactory(owner=user, title="Remote monitoring after discharge"),
        reason="She asked about remote monitoring.",
        due_on=today,
    )
    priya = ContactFactory(
        owner=user,
        first_name="Priya",
        last_name="Raman",
        credentials="MD, PhD",
        preferred_channel=Channel.LINKEDIN,
    )
    FollowUpFactory(
        owner=user,
        contact=priya,
        kind=FollowUpKind.COMMITMENT,
        commitment=CommitmentFactory(
            owner=user, contact=priya, description="Send the triage paper", due_on=today
        ),
        reason="You promised it by today.",
        due_on=today,
    )
    FollowUpFactory(
        owner=user,
        contact=ContactFactory(owner=user, first_name="Jonas", last_name="Berg", credentials=""),
        kind=FollowUpKind.CHECK_IN,
        reason="Four months since you last talked.",
        due_on=today + timedelta(days=2),
    )
    EventFactory(owner=user, name="ESC Congress 2026", starts_on=today + timedelta(days=9))
    return today


def test_it_renders_the_html_email_cleanly(page, live_server, artifacts_dir, settings):
    settings.SITE_URL = live_server.url
    alice = UserFactory(username="alice", first_name="Alice")
    today = a_full_day(alice)
    html = build_digest(alice, today=today).message.alternatives[0].content

    page.set_viewport_size({"width": 720, "height": 900})
    page.set_content(html)
    page.screenshot(path=os.path.join(artifacts_dir, "digest_email.png"), full_page=True)
    assert page.get_by_text("Dr. Amara Okafor, MD").is_visible()
    assert page.locator("a", has_text="Done").count() == 4
    assert "SECRET-SCREENSHOT" not in page.content()

    page.set_viewport_size({"width": 390, "height": 800})
    page.screenshot(path=os.path.join(artifacts_dir, "digest_email_mobile.png"), full_page=True)
    # Nothing spills sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_it_previews_and_acts_from_a_link(page, live_server, artifacts_dir, settings):
    settings.SITE_URL = live_server.url
    alice = UserFactory(username="alice", first_name="Alice")
    a_full_day(alice)
    login_in_browser(page, live_server, "alice")

    page.goto(f"{live_server.url}/digest/preview/")
    frame = page.frame_locator("iframe.digest-preview__frame")
    assert frame.get_by_text("Dr. Amara Okafor, MD").is_visible()
    page.screenshot(path=os.path.join(artifacts_dir, "digest_preview.png"), full_page=True)

    frame.locator("a", has_text="Done").first.click()
    page.wait_for_url("**/email/followups/**")
    assert page.locator("h1").inner_text() == "Dr. Priya Raman, MD, PhD"  # promises first
    page.screenshot(path=os.path.join(artifacts_dir, "digest_link_confirm.png"))
    page.get_by_role("button", name="Mark done").click()
    assert "Marked done." in page.locator(".flash").inner_text()
    page.screenshot(path=os.path.join(artifacts_dir, "digest_link_done.png"))
    assert FollowUp.objects.filter(status=FollowUpStatus.DONE).count() == 1

    page.goto(f"{live_server.url}/settings/")
    page.screenshot(path=os.path.join(artifacts_dir, "digest_settings.png"), full_page=True)
    page.select_option("#id_time_zone", "Asia/Kolkata")
    page.select_option("#id_digest_hour", "6")
    page.get_by_role("button", name="Save settings").click()
    assert "Preferences saved." in page.locator(".flash").inner_text()
    preferences = Preferences.objects.get(user=alice)
    assert (preferences.time_zone, preferences.digest_hour) == ("Asia/Kolkata", 6)
