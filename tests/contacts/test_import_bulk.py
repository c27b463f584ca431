"""insert_rows: the importer's bulk insert (COPY on PostgreSQL, bulk_create elsewhere)
gives back the new ids in order and fills defaults as Django would."""

import pytest
from django.db import connection

from contacts.importers.bulk import insert_rows
from contacts.models import Contact, ImportedRecord
from tests.factories import ImportBatchFactory

pytestmark = pytest.mark.django_db


def test_it_inserts_rows_and_returns_their_ids_in_order(alice, django_assert_max_num_queries):
    rows = [
        {"owner_id": alice.pk, "first_name": "Ada", "email": "ada@example.org"},
        {"owner_id": alice.pk, "first_name": "Émile", "last_name": "Durand", "notes": "a\tb\nc"},
    ]
    with django_assert_max_num_queries(1 if connection.vendor == "postgresql" else 2):
        ids = insert_rows(Contact, rows)
    ada, emile = (Contact.objects.get(pk=pk) for pk in ids)
    assert (ada.first_name, ada.email, ada.last_name) == ("Ada", "ada@example.org", "")
    assert (emile.first_name, emile.notes) == ("Émile", "a\tb\nc")
    # Defaults and timestamps as a save() would have set them.
    fresh = Contact(owner=alice)
    assert (ada.tier, ada.do_not_contact, ada.cadence_days) == (
        fresh.tier,
        fresh.do_not_contact,
        fresh.cadence_days,
    )
    assert ada.created_at is not None and ada.updated_at is not None
    # The sequence moved on: an ordinary save gets a new id.
    assert Contact.objects.create(owner=alice, first_name="Next").pk > max(ids)


def test_it_fills_callable_defaults_per_row(alice):
    batch = ImportBatchFactory(owner=alice)
    contact_id = insert_rows(Contact, [{"owner_id": alice.pk, "first_name": "Ada"}])[0]
    ids = insert_rows(
        ImportedRecord,
        [
            {"batch_id": batch.pk, "contact_id": contact_id, "action": "created"},
            {
                "batch_id": batch.pk,
                "contact_id": contact_id,
                "action": "merged",
                "previous_values": {"city": {"before": "", "after": "Lyon"}},
            },
        ],
    )
    created, merged = (ImportedRecord.objects.get(pk=pk) for pk in ids)
    assert created.previous_values == {} and created.attendance_created is False
    assert merged.previous_values == {"city": {"before": "", "after": "Lyon"}}


def test_it_refuses_a_field_the_model_does_not_have(alice):
    with pytest.raises(ValueError, match="no field"):
        insert_rows(Contact, [{"owner": alice, "first_name": "Ada"}])
    assert not Contact.objects.exists()


def test_it_does_nothing_for_no_rows(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert insert_rows(Contact, []) == []
