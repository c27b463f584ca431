"""Reading real-world files, and a corpus of bad files that each get a clear message."""

import codecs
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from contacts.importers.cleaning import normalise_phone, split_name
from contacts.importers.reading import ImportFileError, open_table
from contacts.importers.services import import_claim, import_commit, import_start
from contacts.models import Contact, ImportBatch
from interactions.models import Event

PLAIN = "Name,Email,Organization\nJane Smith,jane@example.org,Mercy Hospital\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def table_of(data: bytes, name: str = "list.csv"):
    return open_table(lambda: io.BytesIO(data), file_name=name, size=len(data))


def rows_of(data: bytes, name: str = "list.csv") -> list[dict]:
    return [row.cells for row in table_of(data, name).rows()]


def import_bytes(owner, data: bytes, name: str = "list.csv"):
    batch = import_start(
        owner=owner, created_by=owner, upload=SimpleUploadedFile(name, data), event=None
    )
    import_claim(batch=batch)
    return import_commit(batch=batch)


@pytest.mark.parametrize(
    "encoded",
    [
        PLAIN.encode("utf-8"),
        codecs.BOM_UTF8 + PLAIN.encode("utf-8"),
        PLAIN.encode("utf-16"),  # with BOM
        PLAIN.encode("utf-16-le"),
        PLAIN.replace("Jane", "Zoë").encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16", "utf16-le-no-bom", "cp1252"],
)
def test_it_reads_each_encoding(encoded):
    [row] = rows_of(encoded)
    assert row["Email"] == "jane@example.org"
    assert row["Name"] in {"Jane Smith", "Zoë Smith"}


def test_it_reads_cp1252_curly_quotes_and_accents_late_in_the_file():
    text = "Name;Email\n" + "A B;a@example.org\n" * 2000 + "Renée “Ré” O’Neil;r@example.org\n"
    rows = rows_of(text.encode("cp1252"))
    assert rows[-1]["Name"] == "Renée “Ré” O’Neil"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_it_sniffs_the_delimiter(delimiter):
    text = PLAIN.replace(",", delimiter)
    [row] = rows_of(text.encode())
    assert row["Organization"] == "Mercy Hospital"


def test_it_reads_quoted_fields_with_embedded_newlines_and_skips_blank_rows():
    text = (
        "Conference attendees 2026\nExported by the organiser\n\n"
        'Name,Email,Notes\n\n"Smith, Jane",jane@example.org,"line one\nline two"\n,,\n'
        "Bob Ray,bob@example.org,\n"
    )
    rows = rows_of(text.encode())
    assert [r["Name"] for r in rows] == ["Smith, Jane", "Bob Ray"]
    assert rows[0]["Notes"] == "line one\nline two"


def test_it_reads_every_sheet_of_a_workbook_and_finds_headers_under_title_rows():
    book = Workbook()
    first = book.active
    first.title = "Faculty"
    first.append(["Annual meeting — faculty"])
    first.append([])
    first.append(["Full Name", "E-mail"])
    first.append(["Prof. Ana Lima", "ana@example.org"])
    second = book.create_sheet("Delegates")
    second.append(["Name", "Email", "Company"])
    second.append(["Bo Chen", "bo@example.org", "Mercy"])
    buffer = io.BytesIO()
    book.save(buffer)
    table = table_of(buffer.getvalue(), "list.xlsx")
    rows = list(table.rows())
    assert [(r.sheet, r.number) for r in rows] == [("Faculty", 4), ("Delegates", 2)]
    assert rows[0].cells["Full Name"] == "Prof. Ana Lima"


def test_it_keeps_formula_looking_cells_as_text(alice):
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Email", "Organization", "Notes"])
    sheet.append(["Eve Ill", "eve@example.org", "=1+1", '=HYPERLINK("http://x","y")'])
    buffer = io.BytesIO()
    book.save(buffer)
    import_bytes(alice, buffer.getvalue(), "list.xlsx")
    contact = Contact.objects.get()
    assert contact.institution == "=1+1"
    assert contact.notes == '=HYPERLINK("http://x","y")'
    csv_data = b"Name,Email,Organization\n@SUM(A1),x@example.org,+cmd|calc\n"
    import_bytes(alice, csv_data)
    assert Contact.objects.get(email="x@example.org").institution == "+cmd|calc"


def test_it_reads_vcards_3_and_4(alice):
    data = (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Smith;Jane;Q.;Dr.;MD\r\nFN:Dr. Jane Q. Smith\r\n"
        b"EMAIL;TYPE=work:Jane@Example.org\r\nORG:Mercy Hospital;Cardiology\r\n"
        b"TEL:+1 (514) 555-0100\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bo Chen\r\nN:Chen;Bo;;;\r\n"
        b"URL:https://www.linkedin.com/in/bochen\r\nEND:VCARD\r\n"
    )
    batch = import_bytes(alice, data, "contacts.vcf")
    assert batch.created_count == 2
    jane = Contact.objects.get(last_name="Smith")
    assert (jane.honorific, jane.first_name, jane.middle_name, jane.credentials) == (
        "Dr.",
        "Jane",
        "Q.",
        "MD",
    )
    assert jane.email == "jane@example.org"
    assert (jane.institution, jane.phone, jane.phone_normalized) == (
        "Mercy Hospital",
        "+1 (514) 555-0100",
        "+15145550100",
    )
    assert Contact.objects.get(last_name="Chen").linkedin_url.endswith("/in/bochen")


def test_it_splits_names_with_honorifics_credentials_and_last_first():
    assert split_name("Dr. Jane Q. Smith, MD, PhD") == {
        "honorific": "Dr.",
        "first_name": "Jane",
        "middle_name": "Q.",
        "last_name": "Smith",
        "credentials": "MD, PhD",
    }
    assert split_name("Smith, Jane")["first_name"] == "Jane"
    assert normalise_phone("001 514 555 0100 ext. 4") == "+15145550100"
    assert normalise_phone("--") == ""


def test_it_imports_the_rest_when_a_row_has_an_invalid_email(alice):
    data = (
        b"Name,Email\nJane Smith,jane@example.org\nBad Row,not-an-email\nBo Chen,bo@example.org\n"
    )
    batch = import_bytes(alice, data)
    assert (batch.created_count, batch.error_count) == (2, 1)
    assert batch.errors == [{"row": 3, "message": "“not-an-email” is not a valid email address."}]
    assert not Contact.objects.filter(last_name="Row").exists()


def test_it_skips_rows_the_platform_marks_as_not_attending(alice):
    data = (
        b"First Name,Last Name,Email,Attendee Status\n"
        b"Ann,One,ann@example.org,Attending\nBen,Two,ben@example.org,Refunded\n"
        b"Cat,Three,cat@example.org,Cancelled\nDan,Four,dan@example.org,Transferred\n"
        b"Eve,Five,eve@example.org,Deleted\nAnn,One,ANN@example.org,Checked In\n"
    )
    batch = import_bytes(alice, data)
    assert (batch.created_count, batch.skipped_count) == (1, 5)
    assert list(Contact.objects.values_list("first_name", flat=True)) == ["Ann"]


BAD_FILES = [
    (b"", "list.csv", "The file is empty."),
    (b"\r\n  \n", "list.csv", "The file is empty."),
    (b"Name,Email,Organization\r\n", "list.csv", "header row but no rows"),
    (b"Name,Email\n\n,\n", "list.csv", "header row but no rows"),
    (b"Company,City\nMercy,Montreal\n", "list.csv", "No header row with a name or email"),
    (b"\x00\x01\x02\x03\xfe\xfa" * 200, "list.csv", "not a spreadsheet"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "list.csv", "PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "list.xls", "old Excel"),
    (b"PK\x03\x04not really a zip", "list.xlsx", "not a readable Excel workbook"),
    (b"BEGIN:VCARD\nVERSION:3.0\nFN Jane\nEND:VCARD\n", "a.vcf", "cannot be read"),
]


@pytest.mark.parametrize(("data", "name", "message"), BAD_FILES)
def test_it_refuses_bad_files_with_a_clear_message_and_writes_nothing(alice, data, name, message):
    with pytest.raises(ImportFileError, match=message):
        import_start(
            owner=alice, created_by=alice, upload=SimpleUploadedFile(name, data), event=None
        )
    assert not ImportBatch.objects.exists()
    assert not Contact.objects.exists()


def test_it_refuses_a_file_over_the_size_limit(alice, settings):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportFileError, match="the limit is 0.0 MB"):
        import_start(
            owner=alice,
            created_by=alice,
            upload=SimpleUploadedFile("big.csv", PLAIN.encode() * 10),
            event=None,
        )
    assert not ImportBatch.objects.exists() and not Event.objects.exists()
