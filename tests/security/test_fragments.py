"""The HTMX fragments that POST actions return obey the same rules as pages: enforced
CSP header, no inline script/style/handlers, and user text rendered inert."""

import pytest
from django.utils import timezone

from interactions.choices import Channel, Direction, Purpose, Value
from tests.factories import UserFactory
from tests.security.test_pages import InlineCodeFinder, assert_enforced_csp
from tests.security.world import PAYLOAD, SECOND_PK, VICTIM_PK, build_world

pytestmark = pytest.mark.django_db

V = VICTIM_PK
HX = {"HX-Request": "true"}


def actions() -> list[tuple[str, str, dict]]:
    today = timezone.localdate().isoformat()
    return [
        ("dashboard done", f"/today/{V}/done/", {"followup": [V, SECOND_PK], "note": PAYLOAD}),
        ("dashboard snooze", f"/today/{V}/snooze/", {"followup": [V], "when": "tomorrow"}),
        ("dashboard dismiss", f"/today/{V}/dismiss/", {"followup": [V]}),
        (
            "quick log",
            "/log/",
            {
                "contact": V,
                "channel": Channel.CALL,
                "direction": Direction.MUTUAL,
                "purpose": Purpose.MEETING,
                "value": Value.NEUTRAL,
                "occurred_on": today,
                "summary": PAYLOAD,
            },
        ),
        ("quick log, invalid", "/log/", {"contact": V, "summary": PAYLOAD}),
        ("target toggle", f"/events/{V}/attendees/{V}/target/", {"is_target": "0"}),
        (
            "draft check",
            f"/contacts/{V}/draft/check/",
            {"channel": "email", "purpose": "other", "subject": PAYLOAD, "body": PAYLOAD},
        ),
        ("draft check, invalid", f"/contacts/{V}/draft/check/", {"channel": "carrier-pigeon"}),
    ]


@pytest.mark.parametrize("label, url, data", actions(), ids=[a[0] for a in actions()])
def test_the_fragment_keeps_the_csp_and_renders_user_text_inert(client, label, url, data):
    alice = UserFactory(username="alice")
    build_world(alice, text=PAYLOAD)
    client.force_login(alice)
    response = client.post(url, data, headers=HX)
    assert response.status_code in (200, 400), f"{label}: {response.status_code}"
    body = response.content.decode()
    assert body.strip() and "<html" not in body, f"{label} should answer a fragment"
    finder = InlineCodeFinder()
    finder.feed(body)
    assert not finder.problems, f"{label}: {finder.problems}"
    assert "<script>alert(" not in body and "<img src=x" not in body, label
    assert_enforced_csp(response)
