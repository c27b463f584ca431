from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from followups.digest import send_due_digests


def parse_now(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            f"--now {value!r} is not an ISO 8601 date and time (e.g. 2026-03-08T12:00:00Z)."
        ) from exc
    if timezone.is_naive(moment):
        raise CommandError(f"--now {value!r} needs a UTC offset or Z, e.g. 2026-03-08T12:00:00Z.")
    return moment


class Command(BaseCommand):
    help = (
        "Send the daily digest to every user whose local digest hour has passed and who "
        "has not had today's. Safe to run again or alongside the beat task: each user "
        "gets at most one per local day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", type=parse_now, help="The clock to use, ISO 8601 with offset (tests)."
        )

    def handle(self, *args, now=None, **options):
        run = send_due_digests(now=now)
        self.stdout.write(str(run))
        for error in run.errors:
            self.stderr.write(error)
