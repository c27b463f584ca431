import pytest
from django.core import mail
from django.template import TemplateDoesNotExist

from followups.email import absolute_url, build_email


def test_it_renders_subject_text_and_html_into_one_multipart_message(settings):
    settings.SITE_URL = "https://rapport.example"
    context = {
        "subject": "Two people\nto see",
        "today": None,
        "total": 0,
        "sections": [],
        "events": [],
        "greeting_name": "Alice",
        "dashboard_url": "https://x/",
        "preferences_url": "https://x/settings/",
        "unsubscribe_url": "https://x/u/",
    }
    message = build_email("digest", context, to=["alice@example.com"], headers={"X-Test": "1"})

    assert "\n" not in message.subject
    assert message.subject.startswith("Two people to see")
    assert "Hello, Alice." in message.body
    assert len(message.alternatives) == 1
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert html.lstrip().startswith("<!doctype html>")
    parsed = message.message()
    assert parsed.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in parsed.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    assert parsed["X-Test"] == "1"


def test_it_escapes_html_but_not_plain_text():
    context = {"subject": "x", "greeting_name": "<b>Al & Co</b>", "sections": [], "events": []}
    message = build_email("digest", context, to=["a@example.com"])

    assert "Hello, <b>Al & Co</b>." in message.body
    assert "&lt;b&gt;Al &amp; Co&lt;/b&gt;" in message.alternatives[0].content


def test_it_sends_through_the_configured_mailer(mailoutbox):
    message = build_email("digest", {"subject": "Hello"}, to=["a@example.com"])
    assert message.send() == 1
    assert [m.subject for m in mail.outbox][0].startswith("Hello")


def test_it_fails_loudly_for_an_unknown_template():
    with pytest.raises(TemplateDoesNotExist):
        build_email("no_such_email", {}, to=["a@example.com"])


def test_it_makes_absolute_links_from_the_site_url(settings):
    settings.SITE_URL = "https://rapport.example"
    assert absolute_url("/settings/") == "https://rapport.example/settings/"
