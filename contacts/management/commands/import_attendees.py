import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from contacts.importers.columns import has_identity
from contacts.importers.planning import count_rows
from contacts.importers.reading import ImportFileError, open_table
from contacts.importers.services import (
    event_get_or_create,
    import_file,
    mapping_for,
    opener_for_upload,
)


class Command(BaseCommand):
    help = "Import an attendee list (CSV, XLSX or vCard) into a user's network for an event."
    # A data command, not a deployment one: the system checks (which import every URL
    # module) are for runserver, migrate and the test suite.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--event", required=True, help="Event name (created if new)")
        parser.add_argument("--owner", required=True, help="Username whose network it joins")
        parser.add_argument("--dry-run", action="store_true", help="Plan only; write nothing")
        parser.add_argument("--json", action="store_true", help="Print one JSON object")

    def handle(self, *args, file, event, owner, dry_run, json: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        try:
            # Read the file first: an unreadable one is refused before anything else.
            with open(path, "rb") as handle:
                open_table(
                    opener_for_upload(File(handle, name=path.name)),
                    file_name=path.name,
                    size=path.stat().st_size,
                )
        except ImportFileError as exc:
            raise CommandError(f"{path.name}: {exc}") from exc
        try:
            user = get_user_model().objects.get(username=owner)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user named {owner!r}.") from exc
        try:
            if dry_run:
                result = self._plan(path, user)
            else:
                batch = import_file(
                    path, owner=user, event=event_get_or_create(owner=user, name=event)
                )
                result = {
                    "created": batch.created_count,
                    "merged": batch.merged_count,
                    "skipped": batch.skipped_count,
                    "errors": batch.errors,
                }
        except ImportFileError as exc:
            raise CommandError(f"{path.name}: {exc}") from exc
        if json:
            self.stdout.write(_dumps(result))
            return
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb} {path.name}: {result['created']} created, {result['merged']} merged, "
            f"{result['skipped']} skipped, {len(result['errors'])} errors."
        )
        for error in result["errors"]:
            self.stdout.write(f"  row {error['row']}: {error['message']}")

    def _plan(self, path: Path, user) -> dict:
        with open(path, "rb") as handle:
            table = open_table(
                opener_for_upload(File(handle, name=path.name)),
                file_name=path.name,
                size=path.stat().st_size,
            )
            mapping = mapping_for(table, owner=user)
            if not has_identity(mapping):
                raise ImportFileError("No name or email column was recognised.")
            return count_rows(table, owner=user, mapping=mapping).as_dict()


def _dumps(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False)
