"""Shared pieces of the digest tests: users with a digest due, and a real SMTP server
on loopback (aiosmtpd) that keeps what it receives."""

import smtplib
import socket
import threading
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from followups.models import Preferences
from tests.factories import ContactFactory, FollowUpFactory, UserFactory


def digest_user(
    username: str,
    *,
    time_zone: str = "UTC",
    hour: int = 7,
    due_on: date | None = None,
    send_empty: bool = False,
    followups: int = 1,
):
    """A user whose digest is on, with `followups` follow-ups for one person due on
    `due_on`."""
    user = UserFactory(username=username)
    Preferences.objects.filter(user=user).update(
        time_zone=time_zone, digest_hour=hour, digest_enabled=True, digest_send_empty=send_empty
    )
    if due_on is not None:
        contact = ContactFactory(owner=user)
        for _ in range(followups):
            FollowUpFactory(owner=user, contact=contact, due_on=due_on)
    return user


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """aiosmtpd handler: every message the server accepted, parsed."""

    def __init__(self):
        self.received: list[tuple[list[str], EmailMessage]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self._lock:
            self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        return [message for _, message in self.received]

    def recipients(self) -> list[str]:
        return [address for rcpts, _ in self.received for address in rcpts]


class SMTPServer:
    """A real SMTP server on 127.0.0.1 that can be stopped and started again on the
    same port."""

    def __init__(self):
        self.port = free_port()
        self.inbox = Inbox()
        self._controller = None

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def mailers_setting(self) -> dict:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5},
            }
        }


class FlakyBackend(LocmemBackend):
    """The locmem backend, refusing the next `failures` sends the way a mail server
    that hung up would."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


FLAKY_MAILERS = {"default": {"BACKEND": "tests.followups.digest_support.FlakyBackend"}}
