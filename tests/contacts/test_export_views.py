import csv
import io
import json

import pytest
import vobject
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from contacts.exports import build_archive
from contacts.models import Contact
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return response.content.decode("utf-8-sig")


def test_it_shows_the_export_page(alice_client):
    response = alice_client.get(reverse("contacts_export"))
    assert response.status_code == 200
    assert b"Include confidential notes" in response.content


def test_it_downloads_csv_without_confidential_notes_by_default(alice, bob, alice_client):
    ContactFactory(owner=alice, last_name="Mine", confidential_notes="private matter")
    ContactFactory(owner=bob, last_name="Bobs")
    response = alice_client.get(reverse("contacts_export_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="rapport-alice-')
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert [r["Last name"] for r in rows] == ["Mine"]
    assert "private matter" not in body(response)


def test_it_includes_confidential_notes_when_ticked(alice, alice_client):
    ContactFactory(owner=alice, confidential_notes="private matter")
    for name in ("contacts_export_csv", "contacts_export_vcard", "contacts_export_archive"):
        response = alice_client.get(reverse(name), {"confidential": "on"})
        assert "private matter" in body(response), name
        response = alice_client.get(reverse(name))
        assert "private matter" not in body(response), name


def test_it_leaves_archived_contacts_out_of_csv_and_vcard_but_not_the_archive(alice, alice_client):
    ContactFactory(owner=alice, last_name="Gone", archived_at=timezone.now())
    assert "Gone" not in body(alice_client.get(reverse("contacts_export_csv")))
    assert "Gone" not in body(alice_client.get(reverse("contacts_export_vcard")))
    assert "Gone" in body(alice_client.get(reverse("contacts_export_archive")))


def test_it_downloads_a_vcard_file(alice, alice_client):
    ContactFactory(owner=alice, first_name="Jane", last_name="Smith")
    response = alice_client.get(reverse("contacts_export_vcard"))
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert vobject.readOne(body(response)).n.value.family == "Smith"


def test_it_downloads_an_archive(alice, bob, alice_client):
    ContactFactory(owner=alice)
    ContactFactory(owner=bob, last_name="Bobs")
    data = json.loads(body(alice_client.get(reverse("contacts_export_archive"))))
    assert data["format"] == "rapport-archive"
    assert len(data["contacts"]) == 1
    assert "Bobs" not in json.dumps(data)


def upload(data: bytes, name: str = "archive.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/json")


def test_it_restores_an_archive_into_an_empty_account(alice, alice_client):
    source = UserFactory(username="old")
    ContactFactory.create_batch(3, owner=source)
    archive = json.dumps(build_archive(source)).encode()
    response = alice_client.post(reverse("contacts_archive_restore"), {"archive": upload(archive)})
    assert response.status_code == 302
    assert Contact.objects.for_user(alice).count() == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"{not json", "not valid JSON"),
        (b"[]", "not a Rapport archive"),
        (b'{"format": "rapport-archive", "version": 2}', "version 2"),
    ],
)
def test_it_refuses_a_bad_archive_with_a_clear_error(alice_client, alice, data, message):
    response = alice_client.post(reverse("contacts_archive_restore"), {"archive": upload(data)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Contact.objects.for_user(alice).exists()


def test_it_refuses_an_archive_over_the_size_limit(alice_client, alice, settings):
    settings.ARCHIVE_MAX_BYTES = 10
    response = alice_client.post(
        reverse("contacts_archive_restore"), {"archive": upload(b'{"format": "rapport-archive"}')}
    )
    assert response.status_code == 400
    assert "larger than" in response.content.decode()


def test_it_refuses_to_restore_into_an_account_with_data(alice, alice_client):
    ContactFactory(owner=alice)
    archive = json.dumps(build_archive(UserFactory(username="old"))).encode()
    response = alice_client.post(reverse("contacts_archive_restore"), {"archive": upload(archive)})
    assert response.status_code == 400
    assert "already has data" in response.content.decode()


def test_it_requires_a_login(client):
    for name in ("contacts_export_csv", "contacts_export_vcard", "contacts_export_archive"):
        assert client.get(reverse(name)).status_code == 302
