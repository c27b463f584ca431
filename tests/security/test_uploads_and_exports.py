"""Uploads: a size limit, the type sniffed from the bytes (not the name), nothing
evaluated; CSV downloads neutralise formula cells. (The reader's own cases are in
tests/contacts/test_import_reading.py and test_exports.py; these go through the views.)"""

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contacts.forms import BulkAction
from contacts.models import Contact, ImportBatch
from interactions.models import Event
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("evil.csv", "Name,Email\nA,a@example.org\n")
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def files_under(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (PNG, "This looks like a PNG image, not a CSV, XLSX or vCard file."),
        (zip_bytes(), "This is a ZIP file but not a readable Excel workbook (.xlsx)."),
    ],
    ids=["png", "zip"],
)
def test_it_refuses_a_disguised_file_renamed_csv_and_writes_nothing(
    alice_client, media, data, message
):
    upload = SimpleUploadedFile("attendees.csv", data, content_type="text/csv")
    response = alice_client.post(reverse("import_upload"), {"file": upload, "new_event": "Summit"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists() and not Event.objects.exists()
    assert not Contact.objects.exists() and files_under(media) == []


def test_it_refuses_a_file_over_the_size_limit_before_reading_it(alice_client, media, settings):
    settings.IMPORT_MAX_BYTES = 1024
    big = b"Name,Email\n" + b"Ana Lima,ana@example.org\n" * 100
    upload = SimpleUploadedFile("attendees.csv", big, content_type="text/csv")
    response = alice_client.post(reverse("import_upload"), {"file": upload, "new_event": "S"})
    assert response.status_code == 400
    assert "the limit is 0.0 MB" in response.content.decode()
    assert not ImportBatch.objects.exists() and files_under(media) == []


def test_it_imports_formula_cells_as_text_and_never_evaluates_them(alice, alice_client):
    data = b'Name,Email,Organization\n"=1+1",calc@example.org,"=cmd|\' /C calc\'!A0"\n'
    upload = SimpleUploadedFile("attendees.csv", data, content_type="text/csv")
    response = alice_client.post(reverse("import_upload"), {"file": upload, "new_event": "S"})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    alice_client.post(reverse("import_commit", args=[batch.pk]))
    contact = Contact.objects.get(owner=alice)
    assert contact.institution == "=cmd|' /C calc'!A0"
    assert "=1+1" in contact.display_name and "2" not in contact.display_name


FORMULAS = ['=HYPERLINK("http://evil")', "+1 514", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def csv_cells(response) -> list[str]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return [cell for row in csv.reader(io.StringIO(text.decode("utf-8-sig"))) for cell in row]


def formula_contacts(owner) -> list[Contact]:
    return [
        ContactFactory(owner=owner, first_name=f, last_name="Doe", institution=f, notes=f)
        for f in FORMULAS
    ]


def assert_no_formula_cell(cells: list[str]) -> None:
    assert cells
    for cell in cells:
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), repr(cell)
    for formula in FORMULAS:
        assert "'" + formula in cells, formula


def test_the_csv_export_neutralises_formula_cells(alice, alice_client):
    formula_contacts(alice)
    assert_no_formula_cell(csv_cells(alice_client.get(reverse("contacts_export_csv"))))


def test_the_bulk_csv_export_neutralises_formula_cells(alice, alice_client):
    ids = [c.pk for c in formula_contacts(alice)]
    response = alice_client.post(reverse("contact_bulk"), {"ids": ids, "action": BulkAction.EXPORT})
    assert response.status_code == 200
    assert_no_formula_cell(csv_cells(response))
