"""django-import-export in its fastest mode (bulk inserts, no diff, no per-row instance
lookup) importing the benchmark's attendee CSV into Contact, for comparison with
Rapport's importer. Run by bench/run.py in its own process, so that its time and peak
memory are measured the same way: python bench/ie_import.py FILE OWNER_ID"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

import tablib  # noqa: E402
from import_export import fields, resources  # noqa: E402

from contacts.models import Contact  # noqa: E402

COLUMNS = {
    "First Name": "first_name",
    "Last Name": "last_name",
    "Email": "email",
    "Organization": "institution",
    "Job Title": "title",
    "Specialty": "specialty",
    "City": "city",
    "Country": "country",
}


class ContactResource(resources.ModelResource):
    owner_id = fields.Field(attribute="owner_id", column_name="owner_id")

    class Meta:
        model = Contact
        fields = ("owner_id", *COLUMNS.values())
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        force_init_instance = True  # every row is new: no lookup query per row
        use_transactions = True


def main(path: str, owner_id: int) -> None:
    for name, attribute in COLUMNS.items():
        ContactResource.fields[attribute].column_name = name
    with open(path, encoding="utf-8") as handle:
        dataset = tablib.Dataset().load(handle.read(), format="csv")
    dataset.append_col([owner_id] * dataset.height, header="owner_id")
    result = ContactResource().import_data(dataset, dry_run=False, raise_errors=True)
    print(f"created={result.totals['new']} errors={len(result.row_errors())}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
