"""Time the digest job for many users against a real SMTP server on loopback.

    DATABASE_URL=postgres://… .venv/bin/python bench/digest_send.py --users 1000

Seeds demo users (seed_demo: demo, demo2, … with their networks; the follow-up rules
run inside the job, as in production), starts aiosmtpd on 127.0.0.1, runs
`send_due_digests` once and times it, runs it again (must send nothing), and prints
the figures. Refuses to run with DEBUG off, like seed_demo."""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from contacts.demo import seed_demo  # noqa: E402
from followups import digest  # noqa: E402
from followups.digest import send_due_digests  # noqa: E402
from followups.models import DigestDelivery, Preferences  # noqa: E402
from tests.followups.digest_support import SMTPServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--contacts", type=int, default=10)
    parser.add_argument("--no-seed", action="store_true", help="reuse the demo users")
    parser.add_argument(
        "--without-rules",
        action="store_true",
        help="skip run_rules inside the job, to time building and sending alone",
    )
    args = parser.parse_args()

    started = time.perf_counter()
    if not args.no_seed:
        seed_demo(
            users=args.users, contacts=args.contacts, interactions_per_contact=2, set_password=False
        )
    seeded = time.perf_counter() - started
    if args.without_rules:
        digest.refresh_followups = lambda preferences, *, now: None
    demo_users = [f"demo{i}" for i in range(2, args.users + 1)] + ["demo"]
    # Everyone's digest hour has passed, today's claims cleared: a fresh day for all.
    Preferences.objects.filter(user__username__in=demo_users).update(
        digest_enabled=True, digest_hour=0, digest_send_empty=True
    )
    DigestDelivery.objects.filter(user__username__in=demo_users).delete()

    server = SMTPServer()
    server.start()
    settings.MAILERS = server.mailers_setting()
    try:
        now = timezone.now()
        started = time.perf_counter()
        first = send_due_digests(now=now)
        elapsed = time.perf_counter() - started
        second = send_due_digests(now=now)
    finally:
        server.stop()

    received = len(server.inbox.received)
    print(f"database: {connection.vendor}; seeded {args.users} users in {seeded:.1f}s")
    print(
        f"first run:  {first} in {elapsed:.1f}s "
        f"({elapsed / max(first.sent, 1) * 1000:.1f} ms per email, "
        f"rules {'skipped' if args.without_rules else 'included'})"
    )
    print(f"second run: {second}")
    print(
        f"SMTP server received {received} messages, "
        f"{len(set(server.inbox.recipients()))} distinct recipients"
    )


if __name__ == "__main__":
    main()
