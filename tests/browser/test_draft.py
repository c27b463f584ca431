import os

import pytest

from tests.conftest import login_in_browser
from tests.factories import ContactFactory, TopicFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JARGON_GENERIC = (
    "Dear Dr. Okafor, I hope this email finds you well. Per our discussion, the RCT "
    "efficacy endpoints for the HFrEF cohort demonstrate statistically significant "
    "attenuation of readmissions contingent upon titration and comorbidity stratification."
)
FIXED = (
    "Dear Dr. Okafor, it was lovely to meet you at the poster session in Lisbon. Your "
    "remote monitoring work for heart patients stuck with me. I found a short study on "
    "home checks that you might like, and I put the link below."
)


def test_it_shows_findings_as_you_type_and_clears_them(page, live_server, artifacts_dir):
    user = UserFactory(username="erin")
    topic = TopicFactory(owner=user, name="remote patient monitoring")
    contact = ContactFactory(
        owner=user,
        first_name="Amara",
        last_name="Okafor",
        email="amara@example.org",
        how_we_met="Poster session in Lisbon",
        interests=[topic],
    )
    login_in_browser(page, live_server, "erin")
    page.goto(f"{live_server.url}/contacts/{contact.pk}/draft/")
    assert page.locator("h1").inner_text() == "Draft a message"

    page.fill("#id_subject", "Following up")
    page.locator("#id_body").press_sequentially(JARGON_GENERIC[:40])
    page.locator("#id_body").fill(JARGON_GENERIC)
    page.locator("#id_body").dispatch_event("input")
    findings = page.locator("#draft-findings .finding")
    findings.first.wait_for()
    page.locator("#draft-findings [data-kind=readability]").wait_for()
    kinds = set(
        page.locator("#draft-findings .finding").evaluate_all("els => els.map(e => e.dataset.kind)")
    )
    assert {"generic", "jargon", "readability"} <= kinds
    assert page.locator("#draft-preview mark.hl--jargon", has_text="RCT").count() == 1
    assert "randomized controlled trial" in page.locator("#draft-findings").inner_text()
    assert (
        page.locator("#draft-mailto")
        .get_attribute("href")
        .startswith("mailto:amara@example.org?subject=Following%20up&body=Dear%20Dr.")
    )
    assert "HFrEF" in page.locator("#draft-mailto").get_attribute("href")
    page.locator("#draft-findings").screenshot(
        path=os.path.join(artifacts_dir, "draft-findings.png")
    )
    page.screenshot(path=os.path.join(artifacts_dir, "draft-page.png"), full_page=True)

    page.locator("#id_body").fill(FIXED)
    page.locator("#id_body").dispatch_event("input")
    page.locator("#draft-findings [data-clear]").wait_for()
    assert page.locator("#draft-findings .finding--warning").count() == 0
    assert page.locator("#draft-findings mark").count() == 0
    page.screenshot(path=os.path.join(artifacts_dir, "draft-clear.png"), full_page=True)

    page.click("text=Log as sent")
    page.wait_for_url(f"{live_server.url}/contacts/{contact.pk}/")
    assert contact.interactions.get().summary.startswith("Following up")
