from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from contacts.demo import _demo_usernames, seed_demo
from contacts.demo_benchmark import BENCHMARK, seed_benchmark
from followups.rules import run_rules


class Command(BaseCommand):
    help = "Create or refresh the demo user(s) and a deterministic demo network."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=1)
        parser.add_argument("--contacts", type=int, default=40)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--benchmark",
            action="store_true",
            help=(
                f"the benchmark dataset instead: a heavy user 'demo' with "
                f"{BENCHMARK.heavy_contacts:,} contacts and {BENCHMARK.heavy_interactions:,} "
                f"interactions, and {BENCHMARK.other_users} other users "
                f"(--users and --contacts are ignored)"
            ),
        )

    def handle(self, *args, users, contacts, seed, benchmark, **options):
        if not settings.DEBUG and not getattr(settings, "TESTING", False):
            raise CommandError(
                "seed_demo gives the demo users the password 'demo', "
                "so it refuses to run with DEBUG off."
            )
        if users < 1 or contacts < 0:
            raise CommandError("--users must be at least 1 and --contacts not negative.")
        if benchmark:
            result = seed_benchmark(seed=seed)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Seeded the benchmark: {result.users} users, {result.contacts} contacts, "
                    f"{result.interactions} interactions, {result.followups} follow-ups."
                )
            )
            return
        now = timezone.now()
        result = seed_demo(users=users, contacts=contacts, seed=seed, now=now)
        if connection.vendor == "postgresql":
            # Fresh statistics after a bulk load, so the planner picks the indexes.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        # Derive the follow-ups (thank-yous, shares, promises, nudges, replies,
        # check-ins) so the dashboard has something to show at once.
        demo_users = get_user_model().objects.filter(username__in=_demo_usernames(users))
        for user in demo_users.order_by("pk"):
            run_rules(user, now=now)
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {result.users} user(s), {result.contacts} contacts, "
                f"{result.interactions} interactions. Log in as demo / demo."
            )
        )
