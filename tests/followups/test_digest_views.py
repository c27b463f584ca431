"""Settings page, in-app preview of today's email, and one-click unsubscribe."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from followups.digest_views import preview_signature
from followups.links import unsubscribe_token
from followups.models import DigestDelivery, Preferences
from tests.factories import ContactFactory, FollowUpFactory
from tests.security.test_pages import InlineCodeFinder

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 1, 15, 13, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def valid_preferences(**changes) -> dict:
    data = {
        "digest_enabled": "on",
        "digest_hour": "6",
        "time_zone": "Asia/Kolkata",
        "min_outreach_gap_days": "14",
        "unanswered_limit": "2",
        "thank_you_window_days": "1",
        "reply_window_days": "2",
        "nudge_grace_days": "7",
        "share_suggestions_per_day": "3",
        "cadence_close_days": "30",
        "cadence_regular_days": "90",
        "cadence_acquaintance_days": "180",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def assert_within_csp(response) -> None:
    finder = InlineCodeFinder()
    finder.feed(response.content.decode())
    assert finder.problems == []


class TestPreferences:
    url = reverse("preferences")

    def test_it_shows_the_groups_and_current_values(self, alice_client):
        response = alice_client.get(self.url)

        assert response.status_code == 200
        page = response.content.decode()
        for heading in ("Daily email", "Pacing and etiquette", "Keep-in-touch rhythm"):
            assert heading in page
        assert '<option value="UTC" selected>' in page
        assert '<option value="7" selected>07:00</option>' in page
        assert "alice@example.com" in page
        assert_within_csp(response)

    def test_it_saves_the_digest_settings(self, alice_client, alice):
        response = alice_client.post(self.url, valid_preferences(digest_send_empty="on"))

        assert response.status_code == 302
        preferences = Preferences.objects.get(user=alice)
        assert preferences.time_zone == "Asia/Kolkata"
        assert preferences.digest_hour == 6
        assert preferences.digest_send_empty is True
        assert "Preferences saved." in alice_client.get(self.url).content.decode()

    def test_it_turns_the_digest_off(self, alice_client, alice):
        alice_client.post(self.url, valid_preferences(digest_enabled=None))

        assert Preferences.objects.get(user=alice).digest_enabled is False
        assert "The daily email is off" in alice_client.get(self.url).content.decode()

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("time_zone", "Mars/Olympus_Mons", "Select a valid choice"),
            ("time_zone", "EST5EDT ", "Select a valid choice"),
            ("time_zone", "", "This field is required"),
            ("digest_hour", "24", "Select a valid choice"),
            ("digest_hour", "-1", "Select a valid choice"),
            ("digest_hour", "seven", "Select a valid choice"),
            ("cadence_close_days", "0", "greater than or equal to 1"),
            ("unanswered_limit", "0", "greater than or equal to 1"),
            ("min_outreach_gap_days", "400", "less than or equal to 365"),
        ],
    )
    def test_it_refuses_bad_input_and_writes_nothing(
        self, alice_client, alice, field, value, message
    ):
        before = Preferences.objects.filter(user=alice).values().get()

        response = alice_client.post(self.url, valid_preferences(**{field: value}))

        assert response.status_code == 200
        assert message in response.content.decode()
        assert Preferences.objects.filter(user=alice).values().get() == before

    def test_it_changes_only_the_users_own_preferences(self, alice_client, alice, bob):
        bobs_before = Preferences.objects.filter(user=bob).values().get()

        alice_client.post(self.url, valid_preferences())

        assert Preferences.objects.filter(user=bob).values().get() == bobs_before
        assert Preferences.objects.get(user=alice).time_zone == "Asia/Kolkata"

    def test_it_says_when_the_next_email_comes(self, alice_client, alice):
        Preferences.objects.filter(user=alice).update(time_zone="America/Montreal")
        page = alice_client.get(self.url).content.decode()
        assert "Thursday 15 January, 07:00" in page

        DigestDelivery.objects.create(user=alice, local_date=date(2026, 1, 15), status="sent")
        page = alice_client.get(self.url).content.decode()
        assert "Friday 16 January, 07:00" in page

    def test_it_needs_a_login(self, client):
        response = client.get(self.url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


class TestPreview:
    url = reverse("digest_preview")

    def test_it_shows_todays_email_without_sending_or_recording_it(
        self, alice_client, alice, mailoutbox
    ):
        contact = ContactFactory(
            owner=alice, first_name="Amara", last_name="Okafor", confidential_notes="SECRET-PREVIEW"
        )
        FollowUpFactory(
            owner=alice,
            contact=contact,
            due_on=date(2026, 1, 15),
            reason="Three months since you talked.",
        )

        response = alice_client.get(self.url)

        assert response.status_code == 200
        page = response.content.decode()
        assert "1 person to follow up with today · Thu 15 Jan" in page
        assert "Three months since you talked." in page  # the plain-text part
        assert "SECRET-PREVIEW" not in page
        assert "Scheduled" in page
        assert "<iframe" in page
        assert_within_csp(response)
        assert mailoutbox == []
        assert not DigestDelivery.objects.exists()

    def test_it_says_an_empty_day_sends_nothing(self, alice_client):
        page = alice_client.get(self.url).content.decode()
        assert "nothing is due, and empty days send no email" in page

    def test_it_serves_the_html_email_to_its_frame_with_a_policy_of_its_own(
        self, alice_client, alice
    ):
        FollowUpFactory(owner=alice, due_on=date(2026, 1, 15), reason="Say thanks.")
        frame = reverse("digest_preview_email", args=[preview_signature(alice, date(2026, 1, 15))])

        response = alice_client.get(frame)

        assert response.status_code == 200
        assert "Say thanks." in response.content.decode()
        policy = response["Content-Security-Policy"]
        assert "style-src 'unsafe-inline'" in policy
        assert "script-src" not in policy and "default-src 'none'" in policy
        assert "frame-ancestors 'self'" in policy
        assert response["X-Frame-Options"] == "SAMEORIGIN"
        assert '<base target="_top">' in response.content.decode()

    def test_it_refuses_the_frame_to_another_user_or_a_bad_signature(self, bob_client, alice):
        FollowUpFactory(owner=alice, due_on=date(2026, 1, 15), reason="Alice's secret reason")
        alices = preview_signature(alice, date(2026, 1, 15))

        for signature in (alices, "forged", alices[:-3] + "abc"):
            response = bob_client.get(reverse("digest_preview_email", args=[signature]))
            assert response.status_code == 404
            assert "Alice&#x27;s secret reason" not in response.content.decode()

    def test_it_needs_a_login(self, client):
        assert client.get(self.url).status_code == 302


class TestUnsubscribe:
    def url(self, user) -> str:
        return reverse("digest_unsubscribe", args=[unsubscribe_token(user_id=user.pk)])

    def test_it_asks_first_on_get_and_changes_nothing(self, client, alice):
        response = client.get(self.url(alice))

        assert response.status_code == 200
        assert "Unsubscribe from the daily email?" in response.content.decode()
        assert Preferences.objects.get(user=alice).digest_enabled is True
        assert_within_csp(response)

    def test_it_unsubscribes_with_one_click_post_without_cookies_or_csrf(self, alice, bob):
        response = Client(enforce_csrf_checks=True).post(
            self.url(alice),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )

        assert response.status_code == 200
        assert "You're unsubscribed" in response.content.decode()
        assert Preferences.objects.get(user=alice).digest_enabled is False
        assert Preferences.objects.get(user=bob).digest_enabled is True

    def test_it_says_so_when_already_unsubscribed(self, client, alice):
        Preferences.objects.filter(user=alice).update(digest_enabled=False)
        assert "Already unsubscribed" in client.get(self.url(alice)).content.decode()

    def test_it_refuses_a_post_without_the_one_click_body(self, client, alice):
        response = client.post(self.url(alice), {"List-Unsubscribe": "Maybe"})

        assert response.status_code == 400
        assert "Unsubscribe</button>" in response.content.decode()
        assert Preferences.objects.get(user=alice).digest_enabled is True

    @pytest.mark.parametrize("token", ["1", "1:forged", "garbage"])
    def test_it_refuses_a_tampered_link(self, client, alice, token):
        response = client.post(
            reverse("digest_unsubscribe", args=[token]), {"List-Unsubscribe": "One-Click"}
        )

        assert response.status_code == 400
        assert "not valid" in response.content.decode()
        assert Preferences.objects.get(user=alice).digest_enabled is True

    def test_it_does_not_let_one_users_link_unsubscribe_another(self, client, alice, bob):
        client.post(self.url(bob), {"List-Unsubscribe": "One-Click"})

        assert Preferences.objects.get(user=alice).digest_enabled is True
        assert Preferences.objects.get(user=bob).digest_enabled is False


def test_it_renders_user_text_inert_in_the_preview_and_the_html_email(alice_client, alice):
    from tests.security.world import PAYLOAD

    contact = ContactFactory(owner=alice, first_name=PAYLOAD, availability_notes=PAYLOAD)
    FollowUpFactory(owner=alice, contact=contact, due_on=date(2026, 1, 15), reason=PAYLOAD)
    frame = reverse("digest_preview_email", args=[preview_signature(alice, date(2026, 1, 15))])

    for url in (reverse("digest_preview"), frame):
        body = alice_client.get(url).content.decode()
        assert "&lt;script&gt;alert(" in body
        assert "<script>alert(" not in body
        assert "<img src=x" not in body


def test_it_links_the_calendar_feed_export_and_password_change_from_settings(alice_client):
    html = alice_client.get(reverse("preferences")).content.decode()
    for name in ("calendar_settings", "contacts_export", "password_change"):
        assert f'href="{reverse(name)}"' in html
