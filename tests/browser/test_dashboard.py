"""The dashboard in real Chromium: inline actions change the page without a navigation,
and screenshots of the demo network at desktop and phone width."""

import os

import pytest
from django.core.management import call_command

from followups.models import FollowUpKind, FollowUpStatus
from interactions.models import Interaction
from tests.conftest import login_in_browser
from tests.factories import ContactFactory, FollowUpFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_navigation_marker(page) -> None:
    page.evaluate("window.__noNavigation = true")


def assert_no_navigation(page) -> None:
    assert page.evaluate("window.__noNavigation === true"), "the page was reloaded"


def test_it_completes_a_thank_you_inline_and_the_count_drops(page, live_server):
    user = UserFactory(username="erin")
    first = FollowUpFactory(owner=user, kind=FollowUpKind.THANK_YOU, reason="Met at rounds")
    FollowUpFactory(owner=user, kind=FollowUpKind.THANK_YOU, reason="Met at the summit")
    login_in_browser(page, live_server, "erin")
    no_navigation_marker(page)
    assert page.locator("#count-thank_yous").inner_text() == "2"

    row = page.locator(f"#row-{first.contact_id}")
    row.get_by_role("button", name="Done").or_(row.locator("summary", has_text="Done")).click()
    row.get_by_label("Note (optional)").fill("Thanked her for the rounds invite")
    row.get_by_role("button", name="Mark done").click()

    page.locator(f"#row-{first.contact_id} [role=status]").wait_for()
    assert page.locator("#count-thank_yous").inner_text() == "1"
    assert page.locator("#agenda-total").inner_text() == "1"
    assert_no_navigation(page)
    first.refresh_from_db()
    assert first.status == FollowUpStatus.DONE
    assert Interaction.objects.get().summary == "Thanked her for the rounds invite"


def test_it_snoozes_a_row_inline_with_the_keyboard(page, live_server):
    user = UserFactory(username="frank")
    followup = FollowUpFactory(owner=user, kind=FollowUpKind.CHECK_IN)
    login_in_browser(page, live_server, "frank")
    no_navigation_marker(page)
    summary = page.locator(f"#row-{followup.contact_id} summary", has_text="Snooze")
    summary.focus()
    page.keyboard.press("Enter")
    tomorrow = page.locator(f"#row-{followup.contact_id}").get_by_role("button", name="Tomorrow")
    tomorrow.focus()
    page.keyboard.press("Enter")
    page.get_by_text("Snoozed").wait_for()
    assert page.locator("#count-check_ins").inner_text() == "0"
    assert_no_navigation(page)
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.SNOOZED


def test_it_logs_an_interaction_and_the_list_updates(page, live_server):
    user = UserFactory(username="gina")
    contact = ContactFactory(owner=user, first_name="Mei", last_name="Tanaka")
    login_in_browser(page, live_server, "gina")
    no_navigation_marker(page)
    form = page.locator("#quicklog")
    form.get_by_label("Who", exact=True).select_option(label=contact.display_name)
    form.get_by_label("How").select_option(label="In-person meeting")
    form.get_by_label("What happened").fill("Coffee after grand rounds")
    assert page.locator(f"#row-{contact.pk}").count() == 0
    form.get_by_role("button", name="Log it").click()
    page.get_by_text("Logged: In-person meeting").wait_for()
    page.locator(f"#row-{contact.pk}").wait_for()
    assert page.locator("#count-thank_yous").inner_text() == "1"
    assert_no_navigation(page)
    assert Interaction.objects.get().summary == "Coffee after grand rounds"
    # The engine opened the thank-you; the list refreshed on `interaction-logged`.
    assert "thank-you" in page.locator(f"#row-{contact.pk}").inner_text().lower()


def test_it_finds_someone_outside_the_shortlist_as_you_type(page, live_server):
    from interactions.quicklog import SHORTLIST_SIZE

    user = UserFactory(username="hana")
    forgotten = ContactFactory(owner=user, first_name="Zofia", last_name="Quinlan")
    for _ in range(SHORTLIST_SIZE + 2):
        ContactFactory(owner=user)  # all newer than Zofia: she is off the shortlist
    login_in_browser(page, live_server, "hana")
    no_navigation_marker(page)
    form = page.locator("#quicklog")
    who = form.get_by_label("Who", exact=True)
    assert who.locator(f'option[value="{forgotten.pk}"]').count() == 0
    form.get_by_label("Find a person").fill("quinl")
    who.locator(f'option[value="{forgotten.pk}"]').wait_for(state="attached")
    who.select_option(value=str(forgotten.pk))
    form.get_by_role("button", name="Log it").click()
    page.get_by_text("Logged:").wait_for()
    assert_no_navigation(page)
    assert Interaction.objects.get().contact == forgotten


SIZES = [("desktop", 1280, 900), ("phone", 390, 844)]


@pytest.mark.parametrize(("label", "width", "height"), SIZES)
def test_it_screenshots_the_demo_dashboard(
    browser, live_server, artifacts_dir, label, width, height
):
    call_command("seed_demo", "--contacts", "40")  # the demo network, with the rules run
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        login_in_browser(page, live_server, "demo", "demo")
        assert page.locator(".agenda-row").count() >= 10
        page.screenshot(path=os.path.join(artifacts_dir, f"dashboard-{label}.png"), full_page=True)
        # A menu open, to see it is not clipped.
        page.locator(".agenda-row summary", has_text="Snooze").first.click()
        page.screenshot(path=os.path.join(artifacts_dir, f"dashboard-{label}-snooze.png"))
    finally:
        context.close()


def test_it_works_without_javascript(browser, live_server):
    user = UserFactory(username="hugo")
    followup = FollowUpFactory(owner=user, kind=FollowUpKind.THANK_YOU, reason="Met at rounds")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        login_in_browser(page, live_server, "hugo")
        row = page.locator(f"#row-{followup.contact_id}")
        row.locator("summary", has_text="Done").click()
        row.get_by_label("Note (optional)").fill("Sent by post")
        with page.expect_navigation():
            row.get_by_role("button", name="Mark done").click()
        assert "Done: " in page.locator(".flash").inner_text()
        assert page.locator("#agenda-total").count() == 0  # nothing left: the empty state
        assert Interaction.objects.get().summary == "Sent by post"
    finally:
        context.close()


def test_it_shows_the_rest_of_a_long_section_in_place(browser, live_server, artifacts_dir):
    """A big network: each section shows its most urgent rows; "Show all" brings the rest
    into the page without a navigation."""
    call_command("seed_demo", "--contacts", "200")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        login_in_browser(page, live_server, "demo", "demo")
        no_navigation_marker(page)
        section = page.locator("#section-check_ins")
        count = int(page.locator("#count-check_ins").inner_text())
        assert count > 10
        assert section.locator(".agenda-row").count() == 10
        page.screenshot(path=os.path.join(artifacts_dir, "dashboard-capped.png"), full_page=True)
        page.locator("#more-check_ins").scroll_into_view_if_needed()
        page.screenshot(path=os.path.join(artifacts_dir, "dashboard-capped-more.png"))
        section.get_by_role("link", name=f"Show all {count}").click()
        expected = min(count, 60)  # ten, then a batch of fifty
        section.locator(".agenda-row").nth(expected - 1).wait_for()
        assert section.locator(".agenda-row").count() == expected
        assert_no_navigation(page)
        section.locator(".agenda-row").nth(10).scroll_into_view_if_needed()
        page.screenshot(path=os.path.join(artifacts_dir, "dashboard-show-all.png"))
        # Without JavaScript the link is a page of its own.
        page.goto(f"{live_server.url}/today/check_ins/")
        assert page.locator(".agenda-row").count() == min(count, 50)
        page.screenshot(path=os.path.join(artifacts_dir, "dashboard-section-page.png"))
    finally:
        context.close()
