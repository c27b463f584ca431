"""`manage.py send_digests`, and the whole path through a real SMTP server on loopback."""

import re
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from followups.models import DigestDelivery, DigestStatus, FollowUp, FollowUpKind, FollowUpStatus
from interactions.choices import Channel
from tests.factories import ContactFactory, EventFactory, FollowUpFactory
from tests.followups.digest_support import SMTPServer, digest_user

pytestmark = pytest.mark.django_db

NOW = "2026-01-15T13:00:00Z"  # 08:00 in Montreal


def send_digests(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with time_machine.travel(datetime(2026, 1, 15, 13, tzinfo=UTC), tick=False):
        call_command("send_digests", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def smtp_server(settings):
    server = SMTPServer()
    server.start()
    settings.MAILERS = server.mailers_setting()
    settings.SITE_URL = "https://rapport.example"
    yield server
    server.stop()


def test_it_sends_once_and_reports_what_it_did(mailoutbox):
    digest_user("alice", time_zone="America/Montreal", due_on=date(2026, 1, 15))
    digest_user("bob", time_zone="America/Montreal")

    first, _ = send_digests("--now", NOW)
    second, _ = send_digests("--now", NOW)

    assert first.strip() == "1 sent, 1 empty (not sent), 0 failed, 0 already handled"
    assert second.strip() == "0 sent, 0 empty (not sent), 0 failed, 0 already handled"
    assert len(mailoutbox) == 1


def test_it_uses_the_given_clock(mailoutbox):
    digest_user("alice", time_zone="America/Montreal", due_on=date(2026, 1, 15))

    send_digests("--now", "2026-01-15T11:59:00Z")  # 06:59 in Montreal
    assert mailoutbox == []
    send_digests("--now", "2026-01-15T12:00:00-00:00")

    assert DigestDelivery.objects.get().local_date == date(2026, 1, 15)
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01T00:00:00Z", "2026-01-15T12:00:00"])
def test_it_refuses_a_clock_it_cannot_read_and_sends_nothing(mailoutbox, value):
    digest_user("alice", due_on=date(2026, 1, 15))

    with pytest.raises(CommandError, match="--now"):
        call_command("send_digests", "--now", value)

    assert mailoutbox == []
    assert not DigestDelivery.objects.exists()


def links_in(text: str) -> list[str]:
    return re.findall(r"https://rapport\.example/[^\s\"<>]+", text)


def test_it_delivers_a_well_formed_email_through_a_real_smtp_server(smtp_server):
    alice = digest_user("alice", time_zone="America/Montreal")
    contact = ContactFactory(
        owner=alice,
        first_name="Amara",
        last_name="Okafor",
        preferred_channel=Channel.EMAIL,
        availability_notes="Clinic Mon–Wed; best on Friday mornings",
        confidential_notes="SECRET-DIAGNOSIS-4821",
        boundary_notes="BOUNDARY-NOTE-7734",
    )
    thank_you = FollowUpFactory(
        owner=alice,
        contact=contact,
        kind=FollowUpKind.THANK_YOU,
        reason="You met at the cardiology summit on Tuesday.",
        due_on=date(2026, 1, 14),
    )
    FollowUpFactory(
        owner=alice,
        contact=contact,
        kind=FollowUpKind.REPLY,
        reason="She wrote to you on Monday.",
        due_on=date(2026, 1, 16),
    )
    EventFactory(owner=alice, name="Heart Rhythm 2026", starts_on=date(2026, 1, 25))

    output, _ = send_digests("--now", NOW)

    assert output.startswith("1 sent")
    [(recipients, message)] = smtp_server.inbox.received
    assert recipients == ["alice@example.com"]
    assert message["To"] == "alice@example.com"
    assert message["Subject"] == "1 person to follow up with today · Thu 15 Jan"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        r"<https://rapport\.example/email/unsubscribe/[^>]+/>", message["List-Unsubscribe"]
    )
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"] and message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for body in (text, html):
        assert "Dr. Amara Okafor, MD" in body
        assert "You met at the cardiology summit on Tuesday." in body
        assert "She wrote to you on Monday." in body
        assert "Clinic Mon–Wed; best on Friday mornings" in body
        assert "Heart Rhythm 2026" in body
        assert "https://rapport.example/" in body  # the dashboard
        assert "SECRET-DIAGNOSIS-4821" not in body
        assert "BOUNDARY-NOTE-7734" not in body
    assert "Prefers Email" in text
    assert "Due Wednesday 14 January" in html
    assert "<img" not in html and "<link" not in html and "<script" not in html
    assert 'style="' in html  # inline styles: mail clients drop <style> blocks

    # Every follow-up has a Done and a Snooze link, in both parts, that work.
    action_links = [u for u in links_in(text) if "/email/followups/" in u]
    assert len(action_links) == 4
    assert set(action_links) <= set(links_in(html))
    done_link = action_links[0]
    with time_machine.travel(datetime(2026, 1, 15, 14, tzinfo=UTC), tick=False):
        client = Client()
        path = urlsplit(done_link).path
        assert client.get(path).status_code == 200
        thank_you.refresh_from_db()
        assert thank_you.status == FollowUpStatus.OPEN  # opening the link changed nothing
        assert client.post(path).status_code == 302
        thank_you.refresh_from_db()
        assert thank_you.status == FollowUpStatus.DONE

        # The unsubscribe header works as RFC 8058 says: one POST, no cookies.
        unsubscribe = urlsplit(message["List-Unsubscribe"].strip("<>")).path
        response = Client(enforce_csrf_checks=True).post(
            unsubscribe, {"List-Unsubscribe": "One-Click"}
        )
        assert response.status_code == 200
    alice.preferences.refresh_from_db()
    assert alice.preferences.digest_enabled is False


def test_it_records_a_failure_while_the_smtp_server_is_down_and_sends_once_when_it_is_back(
    smtp_server,
):
    alice = digest_user("alice", time_zone="America/Montreal", due_on=date(2026, 1, 15))
    start = datetime(2026, 1, 15, 13, tzinfo=UTC)
    smtp_server.stop()

    def run(moment):
        with time_machine.travel(moment, tick=False):
            call_command(
                "send_digests", "--now", moment.isoformat(), stdout=StringIO(), stderr=StringIO()
            )

    run(start)
    delivery = DigestDelivery.objects.get(user=alice)
    assert delivery.status == DigestStatus.FAILED
    assert "ConnectionRefusedError" in delivery.error
    assert delivery.next_attempt_at == start + timedelta(minutes=5)

    smtp_server.start()
    run(start + timedelta(minutes=2))  # still backing off
    assert smtp_server.inbox.received == []
    for minutes in (5, 15, 30, 45):
        run(start + timedelta(minutes=minutes))

    delivery.refresh_from_db()
    assert delivery.status == DigestStatus.SENT
    assert delivery.attempts == 2
    assert delivery.error == ""
    assert smtp_server.inbox.recipients() == ["alice@example.com"]


def test_it_keeps_sending_to_others_when_one_address_is_refused(smtp_server):
    digest_user("alice", time_zone="America/Montreal", due_on=date(2026, 1, 15))
    bad = digest_user("bob", time_zone="America/Montreal", due_on=date(2026, 1, 15))
    type(bad).objects.filter(pk=bad.pk).update(email="bob@exämple.com\n")
    digest_user("carol", time_zone="America/Montreal", due_on=date(2026, 1, 15))

    output, errors = send_digests("--now", NOW)

    assert output.startswith("2 sent, 0 empty (not sent), 1 failed")
    assert "bob" in errors
    assert sorted(smtp_server.inbox.recipients()) == ["alice@example.com", "carol@example.com"]
    assert DigestDelivery.objects.get(user=bad).status == DigestStatus.FAILED
    assert FollowUp.objects.count() == 3


def test_it_reconnects_when_the_server_dropped_the_idle_connection(smtp_server):
    from django.core.mail import mailers

    from followups.digest import DigestRun, deliver_digest
    from followups.models import Preferences

    digest_user("alice", time_zone="America/Montreal", due_on=date(2026, 1, 15))
    digest_user("bob", time_zone="America/Montreal", due_on=date(2026, 1, 15))
    mailer = mailers.default
    run = DigestRun()
    moment = datetime(2026, 1, 15, 13, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        for preferences in Preferences.objects.select_related("user").order_by("user_id"):
            deliver_digest(
                preferences, local_date=date(2026, 1, 15), now=moment, mailer=mailer, run=run
            )
            # The server hangs up between two users (an idle timeout, a restart).
            smtp_server.stop()
            smtp_server.start()
    mailer.close()

    assert (run.sent, run.failed) == (2, 0)
    assert sorted(smtp_server.inbox.recipients()) == ["alice@example.com", "bob@example.com"]
