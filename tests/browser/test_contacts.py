import os

import pytest

from contacts.demo import seed_demo
from contacts.models import Contact
from tests.conftest import login_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_network(db):
    seed_demo(contacts=60, seed=3)
    return Contact.objects.filter(owner__username="demo")


def test_it_searches_by_specialty_as_you_type(page, live_server, demo_network, artifacts_dir):
    login_in_browser(page, live_server, "demo", "demo")
    page.goto(f"{live_server.url}/contacts/")
    page.screenshot(path=os.path.join(artifacts_dir, "contacts-list.png"), full_page=True)
    expected = demo_network.active().filter(specialty="Neurology").count()
    assert expected, "the demo data has neurologists"
    page.evaluate("window.__sameDocument = true")

    page.locator("#id_q").press_sequentially("neurol", delay=40)

    summary = page.locator(".results__summary")
    summary.get_by_text("matching “neurol”").wait_for()
    assert summary.locator("strong").inner_text() == str(expected)
    assert page.locator(".contact-row").count() == expected
    assert page.evaluate("window.__sameDocument") is True, "the page navigated"
    assert "q=neurol" in page.url  # the address bar keeps the search, for back and reload
    page.screenshot(path=os.path.join(artifacts_dir, "contacts-search.png"), full_page=True)


def test_it_shows_a_contact_page(page, live_server, demo_network, artifacts_dir):
    contact = max(demo_network, key=lambda c: c.interactions.count())
    login_in_browser(page, live_server, "demo", "demo")
    page.goto(f"{live_server.url}/contacts/{contact.pk}/")
    assert page.locator("h1").inner_text() == contact.display_name
    assert page.locator("svg.spark rect").count() == 12
    page.screenshot(path=os.path.join(artifacts_dir, "contact-page.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=os.path.join(artifacts_dir, "contact-page-phone.png"), full_page=True)
    page.goto(f"{live_server.url}/contacts/")
    page.screenshot(path=os.path.join(artifacts_dir, "contacts-list-phone.png"), full_page=True)
