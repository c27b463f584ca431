import json
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from followups import rules


def parse_now(value: str | None) -> datetime:
    if not value:
        return timezone.now()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            f"--now: “{value}” is not an ISO 8601 date and time (e.g. 2026-11-26T07:30:00Z)."
        ) from exc
    # A time without a zone is taken as UTC, the zone times are stored in.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = "Run follow-up generation and stale flagging once (what the nightly job does)."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="The clock to use, ISO 8601 (default: now).")
        parser.add_argument("--user", help="Only this username.")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print the report as JSON."
        )

    def handle(self, *args, now=None, user=None, as_json=False, **options):
        moment = parse_now(now)
        if user:
            owner = get_user_model().objects.filter(username=user).first()
            if owner is None:
                raise CommandError(f"No user named “{user}”.")
            report = rules.run_rules(owner, now=moment)
        else:
            report = rules.run_rules_for_all_users(now=moment)
        if as_json:
            self.stdout.write(json.dumps(report.as_dict()))
        else:
            created = ", ".join(f"{n} {kind}" for kind, n in sorted(report.created.items()))
            self.stdout.write(
                f"Rules ran for {report.users} user(s) as of {moment.isoformat()}: "
                f"created {report.created_total} follow-up(s)"
                + (f" ({created})" if created else "")
                + f", closed {report.closed}, {report.stale_flagged} newly stale, "
                f"{report.stale_cleared} no longer stale, {report.holds_changed} hold(s) changed."
            )
        if report.failed_users:
            raise CommandError(f"Rules failed for user id(s) {report.failed_users}; see the log.")
