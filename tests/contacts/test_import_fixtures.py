"""Every fixture imports with its expected counts; commit, undo and failure behave."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict

from contacts.importers import services
from contacts.importers.services import event_get_or_create, import_file, import_undo
from contacts.models import Contact, ImportBatch, ImportedRecord, ImportStatus
from interactions.models import Attendance, AttendanceRole
from tests.factories import AttendanceFactory, ContactFactory, EventFactory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"
EXPECTATIONS = json.loads((FIXTURES / "expectations.json").read_text())


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def run(*args) -> dict:
    out = StringIO()
    call_command("import_attendees", *map(str, args), "--json", stdout=out)
    return json.loads(out.getvalue())


def snapshot(owner) -> dict:
    return {
        "contacts": [model_to_dict(c) for c in Contact.objects.for_user(owner).order_by("pk")],
        "updated": list(Contact.objects.for_user(owner).order_by("pk").values_list("updated_at")),
        "attendances": list(Attendance.objects.for_user(owner).order_by("pk").values()),
    }


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_it_imports_each_fixture_with_the_expected_counts(alice, name):
    expected = EXPECTATIONS[name]
    result = run(FIXTURES / name, "--event", "Summit", "--owner", "alice")
    assert result["created"] == expected["created"]
    assert result["merged"] == expected["merged"]
    assert result["skipped"] == expected["skipped"]
    assert len(result["errors"]) == expected["errors"]
    assert Contact.objects.for_user(alice).count() == expected["created"]
    event = alice and Attendance.objects.for_user(alice).values("event").distinct()
    assert event.count() == 1
    assert Attendance.objects.for_user(alice).count() == expected["created"]


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_it_merges_everything_on_a_second_import(alice, name):
    run(FIXTURES / name, "--event", "Summit", "--owner", "alice")
    before = Contact.objects.count()
    result = run(FIXTURES / name, "--event", "Summit", "--owner", "alice")
    assert result["created"] == 0
    assert result["merged"] == EXPECTATIONS[name]["created"]
    assert Contact.objects.count() == before


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_it_writes_nothing_on_a_dry_run(alice, name):
    result = run(FIXTURES / name, "--event", "Summit", "--owner", "alice", "--dry-run")
    assert result["created"] == EXPECTATIONS[name]["created"]
    assert not Contact.objects.exists()
    assert not ImportBatch.objects.exists()
    assert not Attendance.objects.exists()


def test_it_marks_speakers_from_the_ticket_type(alice):
    run(FIXTURES / "eventbrite_attendee_summary.csv", "--event", "Summit", "--owner", "alice")
    speakers = Attendance.objects.filter(role=AttendanceRole.SPEAKER)
    assert speakers.count() == 5
    assert speakers.filter(contact__email="yara.javed@westbury-eb.example.org").exists()


def test_it_keeps_a_speaker_who_is_also_an_attendee_as_one_speaker(alice):
    run(FIXTURES / "summit_faculty_and_attendees.xlsx", "--event", "Summit", "--owner", "alice")
    kenji = Contact.objects.get(email="kenji.rahman@riverside-xl.example.org")
    assert kenji.attendances.get().role == AttendanceRole.SPEAKER
    assert Attendance.objects.filter(role=AttendanceRole.SPEAKER).count() == 6
    emeka = Contact.objects.get(email="emeka.dlamini@westbury-xl.example.org")
    assert (emeka.honorific, emeka.first_name, emeka.last_name, emeka.credentials) == (
        "Dr.",
        "Emeka",
        "Dlamini",
        "NP",
    )


def test_it_splits_last_first_names_from_a_cp1252_file(alice):
    run(FIXTURES / "european_excel_semicolon_cp1252.csv", "--event", "E", "--owner", "alice")
    contact = Contact.objects.get(email="juergen.mueller@lakeshore-eu.example.org")
    assert (contact.first_name, contact.last_name) == ("Jürgen", "Müller")
    assert contact.specialty == "Radiology"
    assert contact.institution == "Lakeshore General Hospital"


def test_it_reads_linkedin_urls_and_connections_without_email(alice):
    run(FIXTURES / "linkedin_connections.csv", "--event", "LinkedIn", "--owner", "alice")
    hana = Contact.objects.get(first_name="Hana", last_name="Carvalho")
    assert hana.email == ""
    assert hana.linkedin_url == "https://www.linkedin.com/in/hana-carvalho-001"
    assert hana.title == "Director of Nursing"


def test_it_merges_by_name_and_institution_filling_only_empty_fields(alice):
    existing = ContactFactory(
        owner=alice,
        honorific="",
        first_name="Hana",
        last_name="Carvalho",
        email="",
        credentials="",
        title="Chief Nursing Officer",
        specialty="",
        institution="Westbury Institute for Neuroscience",
    )
    result = run(FIXTURES / "linkedin_connections.csv", "--event", "LI", "--owner", "alice")
    assert result["merged"] == 1 and result["created"] == 29
    existing.refresh_from_db()
    assert existing.title == "Chief Nursing Officer"  # what the user wrote stays
    assert existing.linkedin_url == "https://www.linkedin.com/in/hana-carvalho-001"


def test_it_does_not_merge_the_same_name_at_another_institution(alice):
    ContactFactory(owner=alice, first_name="Hana", last_name="Carvalho", institution="Elsewhere")
    result = run(FIXTURES / "linkedin_connections.csv", "--event", "LI", "--owner", "alice")
    assert result["merged"] == 0 and result["created"] == 30


def test_it_never_merges_into_another_users_contacts(alice, bob):
    ContactFactory(owner=bob, email="yara.javed@westbury-eb.example.org")
    result = run(FIXTURES / "eventbrite_attendee_summary.csv", "--event", "S", "--owner", "alice")
    assert result["merged"] == 0 and result["created"] == 40


def test_it_undoes_an_import_exactly(alice):
    event = event_get_or_create(owner=alice, name="Summit")
    merged = ContactFactory(
        owner=alice,
        email="Yara.Javed@westbury-eb.example.org",
        title="",
        specialty="",
        institution="",
        phone="",
    )
    kept = ContactFactory(owner=alice, email="zanele.volkov@harbourview-li.example.org")
    AttendanceFactory(owner=alice, event=event, contact=kept, role=AttendanceRole.ORGANIZER)
    before = snapshot(alice)

    batch = import_file(FIXTURES / "eventbrite_attendee_summary.csv", owner=alice, event=event)
    assert batch.merged_count == 1
    merged.refresh_from_db()
    assert merged.title == "Director of Nursing"
    assert snapshot(alice) != before

    import_undo(batch=batch)
    assert snapshot(alice) == before
    assert batch.status == ImportStatus.UNDONE


def test_undo_keeps_what_the_user_changed_after_the_import(alice):
    merged = ContactFactory(owner=alice, email="yara.javed@westbury-eb.example.org", title="")
    batch = import_file(FIXTURES / "eventbrite_attendee_summary.csv", owner=alice)
    merged.refresh_from_db()
    merged.title = "Chief Medical Officer"
    merged.save()
    import_undo(batch=batch)
    merged.refresh_from_db()
    assert merged.title == "Chief Medical Officer"
    assert Contact.objects.count() == 1


def test_a_crash_half_way_leaves_nothing(alice, monkeypatch):
    real_apply = services.apply_chunk
    calls = []

    def failing_apply(batch, plans):
        calls.append(len(plans))
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real_apply(batch, plans)

    monkeypatch.setattr(services, "apply_chunk", failing_apply)
    monkeypatch.setattr(services, "CHUNK_SIZE", 5)
    event = EventFactory(owner=alice)
    with pytest.raises(RuntimeError):
        batch = services.import_start(
            owner=alice,
            created_by=alice,
            upload=open_fixture("eventbrite_attendee_summary.csv"),
            event=event,
        )
        services.import_claim(batch=batch)
        services.import_commit(batch=batch, chunk_size=5)
    assert calls == [5, 5, 5]
    assert not Contact.objects.exists()
    assert not Attendance.objects.exists()
    assert not ImportedRecord.objects.exists()
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.FAILED
    assert "nothing was imported" in batch.failure


def open_fixture(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes())


def test_the_command_refuses_an_unreadable_file(alice, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(b"\x00\x01\x02binary\xff" * 100)
    with pytest.raises(CommandError, match="not a spreadsheet"):
        run(path, "--event", "S", "--owner", "alice")
    assert not Contact.objects.exists() and not ImportBatch.objects.exists()
    assert not Attendance.objects.exists()


def test_the_command_refuses_an_unknown_owner(db):
    with pytest.raises(CommandError, match="No user named"):
        run(FIXTURES / "meetup_rsvps.csv", "--event", "S", "--owner", "nobody")


def test_the_command_exits_non_zero_from_the_shell(alice, tmp_path):
    import subprocess
    import sys

    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    completed = subprocess.run(
        [sys.executable, "manage.py", "import_attendees", str(path), "--event", "S",
         "--owner", "nobody", "--json"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", "DATABASE_URL": "sqlite:///:memory:"},
    )  # fmt: skip
    assert completed.returncode != 0
    assert "empty.csv: The file is empty." in completed.stderr
    assert "Traceback" not in completed.stderr


def test_the_command_prints_a_readable_summary_without_json(alice):
    out = StringIO()
    call_command(
        "import_attendees",
        str(FIXTURES / "zoom_webinar_attendee_report.csv"),
        "--event",
        "Webinar",
        "--owner",
        "alice",
        stdout=out,
    )
    assert "24 created, 0 merged, 4 skipped, 0 errors" in out.getvalue()
