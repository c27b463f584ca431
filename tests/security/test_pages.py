"""Every page, crawled as its owner: no server error, the Content Security Policy holds
(no inline scripts, styles or handlers), user text is rendered inert, and with Redis
down every page still answers quickly."""

import time
from html.parser import HTMLParser

import pytest

from tests.factories import UserFactory
from tests.security.urls import project_routes
from tests.security.world import PAYLOAD, VICTIM_PK, build_world

pytestmark = pytest.mark.django_db

PAGES = [r for r in project_routes() if not r.takes_secret]


class InlineCodeFinder(HTMLParser):
    """Collects what the CSP would block: inline scripts, style attributes, handlers."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names and ("type", "application/json") not in attrs:
            self._in_inline_script = True
        if tag == "style":
            self.problems.append("<style> element")
        for name in names:
            if name == "style" or name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}>")

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.problems.append(f"inline script: {data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False


def assert_enforced_csp(response) -> None:
    """Django's CSP middleware sent the enforced header (not report-only), and the
    policy allows no inline code or eval."""
    policy = response.headers.get("Content-Security-Policy", "")
    assert "Content-Security-Policy-Report-Only" not in response.headers
    assert "script-src 'self'" in policy and "style-src 'self'" in policy, policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, policy


def crawl(client):
    for route in PAGES:
        url = route.url(VICTIM_PK)
        started = time.monotonic()
        response = client.get(url)
        yield route, url, response, time.monotonic() - started


@pytest.fixture
def owner_client(client):
    alice = UserFactory(username="alice")
    build_world(alice, text=PAYLOAD)
    client.force_login(alice)
    return client


def test_it_serves_every_page_to_its_owner_without_error_and_within_the_csp(owner_client):
    seen = 0
    for _route, url, response, _ in crawl(owner_client):
        assert response.status_code < 500, f"GET {url} answered {response.status_code}"
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            seen += 1
            finder = InlineCodeFinder()
            finder.feed(response.content.decode())
            assert not finder.problems, f"{url}: {finder.problems}"
            assert_enforced_csp(response)
    assert seen >= 3


def test_it_renders_user_text_inert_on_every_page(owner_client):
    for _, url, response, _ in crawl(owner_client):
        if "html" not in response.get("Content-Type", "") and response.get(
            "Content-Disposition", ""
        ).startswith("attachment"):
            # Downloads (CSV, vCard, JSON) carry the user's text as data, by design;
            # they are attachments served with nosniff, never rendered as a page.
            assert response["X-Content-Type-Options"] == "nosniff", url
            continue
        body = response.content.decode(errors="replace")
        assert "<script>alert(" not in body, url
        assert "onerror=alert" not in body.replace("&lt;img src=x onerror=alert", ""), url


def test_it_keeps_serving_every_page_quickly_with_redis_down(owner_client, settings):
    from config.celery import app

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        for _, url, response, elapsed in crawl(owner_client):
            assert response.status_code < 500, f"GET {url} answered {response.status_code}"
            assert elapsed < 2, f"GET {url} took {elapsed:.2f}s with Redis down"
    finally:
        app.conf.broker_url = original
