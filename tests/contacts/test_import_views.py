"""The in-app import: upload → preview → mapping → commit → result → undo."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contacts.importers.planning import plan_rows
from contacts.importers.services import batch_table, import_claim, import_commit, import_start
from contacts.models import ColumnMapping, Contact, ImportBatch, ImportStatus
from interactions.models import Attendance, Event
from tests.factories import ContactFactory, EventFactory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(name="eventbrite_attendee_summary.csv", data=None):
    return SimpleUploadedFile(name, data if data is not None else (FIXTURES / name).read_bytes())


def start(owner, name="eventbrite_attendee_summary.csv", data=None, event=None):
    return import_start(owner=owner, created_by=owner, upload=upload(name, data), event=event)


def test_it_shows_the_upload_page(alice_client):
    response = alice_client.get(reverse("import_upload"))
    assert response.status_code == 200
    assert b"Preview import" in response.content


def test_it_uploads_and_shows_a_preview_with_a_new_event(alice, alice_client):
    response = alice_client.post(
        reverse("import_upload"), {"file": upload(), "new_event": "Cardio Summit 2026"}
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("import_preview", args=[batch.pk])
    assert batch.event.name == "Cardio Summit 2026" and batch.event.owner == alice
    assert batch.total_rows == 40 and batch.status == ImportStatus.PREVIEW
    preview = alice_client.get(response["Location"])
    assert preview.status_code == 200
    content = preview.content.decode()
    assert content.count('class="badge import-action import-action--create"') == 40
    assert "Import 40 rows" in content
    assert not Contact.objects.exists()


def test_it_shows_a_bad_file_error_on_the_form_and_writes_nothing(alice_client):
    response = alice_client.post(
        reverse("import_upload"),
        {"file": upload("list.csv", b"Name,Email\n"), "new_event": "Summit"},
    )
    assert response.status_code == 400
    assert "header row but no rows" in response.content.decode()
    assert not ImportBatch.objects.exists() and not Event.objects.exists()


def test_it_refuses_a_file_over_the_limit_in_the_form(alice_client, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response = alice_client.post(reverse("import_upload"), {"file": upload()})
    assert response.status_code == 400
    assert "the limit is" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_preview_marks_merges_duplicates_and_errors(alice, alice_client):
    ContactFactory(owner=alice, email="jane@example.org", title="")
    data = (
        b"Name,Email,Job Title\nJane Smith,JANE@example.org,Cardiologist\n"
        b"Bo Chen,bo@example.org,\nBo Chen,bo@example.org,\nX Y,nope,\n"
    )
    batch = start(alice, "list.csv", data)
    content = alice_client.get(reverse("import_preview", args=[batch.pk])).content.decode()
    assert "Matches" in content and "fills title" in content
    assert "Same person as row 3." in content
    assert "is not a valid email address" in content


def test_it_commits_and_undoes_from_the_result_page(alice, alice_client):
    event = EventFactory(owner=alice)
    batch = start(alice, event=event)
    response = alice_client.post(reverse("import_commit", args=[batch.pk]))
    assert response["Location"] == reverse("import_result", args=[batch.pk])
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED and batch.created_count == 40
    assert Attendance.objects.filter(event=event).count() == 40
    assert not batch.upload  # the list itself is not kept once imported
    page = alice_client.get(response["Location"]).content.decode()
    assert "Undo this import" in page
    alice_client.post(reverse("import_undo", args=[batch.pk]))
    assert not Contact.objects.exists() and not Attendance.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.UNDONE


def test_a_second_commit_does_nothing(alice, alice_client):
    batch = start(alice)
    alice_client.post(reverse("import_commit", args=[batch.pk]))
    alice_client.post(reverse("import_commit", args=[batch.pk]))
    assert Contact.objects.count() == 40


def test_the_column_mapping_is_corrected_and_remembered(alice, alice_client):
    data = b"Who,Mail,Hospital Site\nJane Smith,jane@example.org,Mercy\n"
    batch = start(alice, "list.csv", data)
    assert batch.column_mapping == {"Mail": "email"}
    response = alice_client.post(
        reverse("import_mapping", args=[batch.pk]),
        {"col_0": "full_name", "col_1": "email", "col_2": "institution"},
    )
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.column_mapping == {
        "Who": "full_name",
        "Mail": "email",
        "Hospital Site": "institution",
    }
    assert ColumnMapping.objects.for_user(alice).get().mapping == batch.column_mapping
    again = start(alice, "again.csv", b"hospital site,WHO,mail\nMercy,Bo Chen,bo@example.org\n")
    assert again.column_mapping == {  # same columns in another order and case
        "WHO": "full_name",
        "mail": "email",
        "hospital site": "institution",
    }
    same = start(alice, "same.csv", data)
    assert same.column_mapping == batch.column_mapping
    plans, _ = plan_rows(batch_table(same), owner=alice, mapping=same.column_mapping)
    assert plans[0].candidate.values["institution"] == "Mercy"


def test_a_mapping_without_name_or_email_is_refused(alice, alice_client):
    batch = start(alice, "list.csv", b"Name,Email\nJane Smith,jane@example.org\n")
    response = alice_client.post(reverse("import_mapping", args=[batch.pk]), {"col_0": "title"})
    assert response.status_code == 400
    assert "Map at least one column" in response.content.decode()
    batch.refresh_from_db()
    assert batch.column_mapping == {"Name": "full_name", "Email": "email"}


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "import_preview"),
        ("get", "import_result"),
        ("post", "import_commit"),
        ("post", "import_undo"),
        ("post", "import_mapping"),
    ],
)
def test_it_checks_ownership(alice, bob_client, method, name):
    batch = start(alice)
    response = getattr(bob_client, method)(reverse(name, args=[batch.pk]))
    assert response.status_code == 404
    assert not Contact.objects.exists()


def test_the_upload_form_offers_only_the_users_own_events(alice, bob, alice_client):
    EventFactory(owner=alice, name="Alice's summit")
    other = EventFactory(owner=bob, name="Bob's summit")
    content = alice_client.get(reverse("import_upload")).content.decode()
    assert "Alice&#x27;s summit" in content and "Bob" not in content
    response = alice_client.post(reverse("import_upload"), {"file": upload(), "event": other.pk})
    assert response.status_code == 400
    assert not ImportBatch.objects.exists()


def test_a_big_import_runs_on_the_worker_with_a_progress_bar(
    alice, alice_client, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_ASYNC_ROWS = 10
    settings.CELERY_TASK_ALWAYS_EAGER = True
    batch = start(alice)
    preview = alice_client.get(reverse("import_preview", args=[batch.pk])).content.decode()
    assert "imports in the background" in preview
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        alice_client.post(reverse("import_commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.QUEUED
    page = alice_client.get(
        reverse("import_result", args=[batch.pk]), headers={"HX-Request": "true"}
    )
    assert page.status_code == 200
    assert b'hx-trigger="every 1s"' in page.content and b"<progress" in page.content
    assert b"<html" not in page.content  # the partial only

    from contacts.tasks import commit_import

    for callback in callbacks:
        callback()
    commit_import.run(batch.pk)  # a redelivered task finds the batch taken
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED and Contact.objects.count() == 40
    done = alice_client.get(
        reverse("import_result", args=[batch.pk]), headers={"HX-Request": "true"}
    )
    assert done["HX-Redirect"] == reverse("import_result", args=[batch.pk])


def test_commit_runs_in_a_bounded_number_of_queries_per_chunk(alice, django_assert_max_num_queries):
    event = EventFactory(owner=alice)
    ContactFactory.create_batch(5, owner=alice)
    for count, chunks in ((50, 1), (200, 4)):
        rows = "".join(f"Person{i} Test{i},p{count}-{i}@example.org,Mercy\n" for i in range(count))
        batch = start(alice, "list.csv", f"Name,Email,Organization\n{rows}".encode(), event=event)
        import_claim(batch=batch)
        # 2 lookups, contacts, attendance check + insert and undo records per chunk, plus
        # a fixed few for the batch and the transaction: flat in the number of rows.
        with django_assert_max_num_queries(6 + 7 * chunks):
            import_commit(batch=batch, chunk_size=50)
        assert batch.created_count == count
