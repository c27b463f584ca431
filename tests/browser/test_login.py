import os

import pytest

from tests.conftest import login_in_browser
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_logs_in_through_the_real_login_page(page, live_server, artifacts_dir):
    UserFactory(username="carol")
    login_in_browser(page, live_server, "carol")
    assert page.locator("h1").first.inner_text() == "Today"
    page.screenshot(path=os.path.join(artifacts_dir, "home.png"), full_page=True)


def test_it_shows_an_error_for_a_wrong_password(page, live_server):
    UserFactory(username="dave")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "dave")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    assert "didn't match" in page.locator("[role=alert]").inner_text()
