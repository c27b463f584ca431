import os
from pathlib import Path

import pytest

from contacts.models import Contact, ImportBatch, ImportStatus
from interactions.models import Attendance, AttendanceRole
from tests.conftest import login_in_browser
from tests.factories import EventFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_staff_upload_preview_and_commit_in_the_admin(page, live_server, artifacts_dir):
    staff = UserFactory(username="staffer", is_staff=True, is_superuser=True)
    networker = UserFactory(username="nina")
    login_in_browser(page, live_server, "staffer")
    page.goto(f"{live_server.url}/admin/contacts/importbatch/")
    page.click("text=Upload attendee list")
    page.select_option("#id_owner", label="nina")
    page.set_input_files("#id_file", str(FIXTURES / "summit_faculty_and_attendees.xlsx"))
    page.fill("#id_new_event", "Digital Health Summit 2026")
    page.click("input[type=submit][value='Preview import']")

    page.wait_for_selector("#result_list")
    assert "20 new" in " ".join(page.locator(".import-admin-counts").inner_text().split())
    assert page.locator("#result_list tbody tr").count() == 21
    assert "Same person as Speakers row 7." in page.inner_text("#result_list")
    page.screenshot(path=os.path.join(artifacts_dir, "admin-import-preview.png"), full_page=True)
    assert not Contact.objects.exists()

    page.click("#import-commit")
    page.wait_for_selector(".messagelist")
    assert "20 created" in page.inner_text(".messagelist")
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.owner, batch.created_by) == (
        ImportStatus.COMMITTED,
        networker,
        staff,
    )
    assert Contact.objects.for_user(networker).count() == 20
    assert Attendance.objects.filter(event__name="Digital Health Summit 2026").count() == 20
    assert Attendance.objects.filter(role=AttendanceRole.SPEAKER).count() == 6


def test_the_admin_upload_shows_a_bad_file_error(page, live_server, tmp_path):
    UserFactory(username="staffer", is_staff=True, is_superuser=True)
    UserFactory(username="nina")
    bad = tmp_path / "list.csv"
    bad.write_bytes(b"")
    login_in_browser(page, live_server, "staffer")
    page.goto(f"{live_server.url}/admin/contacts/importbatch/upload/")
    page.select_option("#id_owner", label="nina")
    page.set_input_files("#id_file", str(bad))
    page.click("input[type=submit][value='Preview import']")
    assert "The submitted file is empty." in page.inner_text(".errorlist")
    assert not ImportBatch.objects.exists()


def test_the_in_app_preview_page(page, live_server, artifacts_dir):
    user = UserFactory(username="carol")
    EventFactory(owner=user, name="Heart Failure Webinar")
    login_in_browser(page, live_server, "carol")
    page.click("nav >> text=Import")
    page.set_input_files("#id_file", str(FIXTURES / "zoom_webinar_attendee_report.csv"))
    page.select_option("#id_event", label="Heart Failure Webinar")
    page.click("button:has-text('Preview import')")
    page.wait_for_selector(".import-table")
    page.screenshot(path=os.path.join(artifacts_dir, "import-preview.png"), full_page=True)
    assert page.locator(".import-action--duplicate").count() == 4
    page.click("button:has-text('Import 28 rows')")
    page.wait_for_selector("text=Undo this import")
    page.screenshot(path=os.path.join(artifacts_dir, "import-result.png"), full_page=True)
    assert Contact.objects.for_user(user).count() == 24
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Undo this import')")
    page.wait_for_selector("text=Undone")
    assert not Contact.objects.exists()
