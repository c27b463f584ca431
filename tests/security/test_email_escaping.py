"""User text in the daily email: script and markup in every text field of every object
the digest can show arrive inert (the HTML part escapes them, the text part is plain
text), and confidential notes never leave the app."""

import pytest
from django.utils import timezone

from followups.digest import build_digest
from followups.models import FollowUp, FollowUpKind, Resource
from interactions.models import Event
from tests.factories import UserFactory
from tests.security.world import PAYLOAD, VICTIM_PK, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def digest():
    alice = UserFactory(username="alice", first_name=PAYLOAD[:150], email="alice@example.org")
    world = build_world(alice, text=PAYLOAD)
    today = timezone.localdate()
    FollowUp.objects.create(
        owner=alice,
        contact=world.other_contact,
        kind=FollowUpKind.SHARE,
        reason=PAYLOAD,
        due_on=today,
        resource=Resource.objects.get(pk=VICTIM_PK),
        dedupe_key="world:share",
    )
    world.contact.preferred_channel = "email"
    world.contact.save()
    assert Event.objects.filter(owner=alice, starts_on__gt=today).exists()
    digest = build_digest(alice, today=today)
    # The payload really is in the email (otherwise the checks below prove nothing).
    assert digest.agenda.total >= 2 and digest.context["events"]
    return digest


def parts(digest) -> tuple[str, str]:
    html = next(c for c, mime in digest.message.alternatives if mime == "text/html")
    return digest.message.body, str(html)


def test_it_escapes_user_text_in_the_html_part(digest):
    _, html = parts(digest)
    escaped = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
    assert html.count(escaped) >= 4  # contact, reasons, event, greeting…
    assert "<script" not in html.lower()
    assert "<img src=x" not in html
    assert " onerror=" not in html.replace("&lt;img src=x onerror=", "")
    assert "{{7*7}}" in html  # shown, not evaluated


def test_it_shows_user_text_literally_in_the_text_part(digest):
    text, _ = parts(digest)
    # text/plain is never rendered as markup; HTML escaping there would only garble it.
    assert PAYLOAD.split("&")[0] in text
    assert "&lt;" not in text and "&#x27;" not in text


def test_it_keeps_confidential_notes_out_of_both_parts(digest):
    text, html = parts(digest)
    for part in (text, html, digest.message.subject):
        assert "CONFIDENTIAL" not in part


def test_its_subject_and_headers_carry_no_user_text(digest):
    assert "<" not in digest.message.subject
    for value in digest.message.extra_headers.values():
        assert "script" not in value
    assert digest.message.to == ["alice@example.org"]
