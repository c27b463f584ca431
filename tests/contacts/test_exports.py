import csv
import io

import pytest
import vobject

from contacts.exports import neutralise_cell, write_contacts_csv, write_contacts_vcard
from contacts.models import Contact
from tests.factories import ContactFactory, TopicFactory

pytestmark = pytest.mark.django_db


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1 514 555 0100", "'+1 514 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Jane", "Jane"),
        ("", ""),
        (None, ""),
        (True, "yes"),
        (12, "12"),
    ],
)
def test_it_neutralises_formula_looking_cells(value, expected):
    assert neutralise_cell(value) == expected


def test_it_writes_one_row_per_contact_with_interests(alice):
    cardio = TopicFactory(owner=alice, name="heart failure")
    ai = TopicFactory(owner=alice, name="AI triage")
    ContactFactory(
        owner=alice, first_name="Jane", last_name="=cmd|' /C calc'!A0", interests=[cardio, ai]
    )
    ContactFactory(owner=alice, first_name="Omar", last_name="Haddad")
    stream = io.StringIO()

    count = write_contacts_csv(Contact.objects.for_user(alice), stream)

    rows = read_csv(stream.getvalue())
    assert count == 2
    jane = next(r for r in rows if r["First name"] == "Jane")
    assert jane["Last name"] == "'=cmd|' /C calc'!A0"
    assert jane["Interests"] == "AI triage; heart failure"


def test_it_leaves_confidential_notes_out_unless_asked(alice):
    ContactFactory(owner=alice, confidential_notes="Going through a divorce")
    without = io.StringIO()
    with_notes = io.StringIO()

    write_contacts_csv(Contact.objects.for_user(alice), without)
    write_contacts_csv(Contact.objects.for_user(alice), with_notes, include_confidential=True)

    assert "divorce" not in without.getvalue()
    assert "Confidential notes" not in without.getvalue()
    assert read_csv(with_notes.getvalue())[0]["Confidential notes"] == "Going through a divorce"


def test_it_reads_a_queryset_in_two_queries(alice, django_assert_num_queries):
    topic = TopicFactory(owner=alice)
    ContactFactory.create_batch(5, owner=alice, interests=[topic])
    with django_assert_num_queries(2):
        write_contacts_csv(Contact.objects.for_user(alice), io.StringIO())


def test_it_writes_vcards_that_vobject_reads_back(alice):
    hf = TopicFactory(owner=alice, name="heart failure")
    ContactFactory(
        owner=alice,
        honorific="Dr.",
        first_name="Jane",
        middle_name="Q.",
        last_name="Smith",
        credentials="MD, PhD",
        institution="CHUM; Montréal",
        title="Cardiologist",
        email="jane@example.org",
        phone="+1 514 555 0100",
        linkedin_url="https://www.linkedin.com/in/janesmith",
        notes="Prefers short emails,\nnever Mondays.",
        confidential_notes="divorce",
        interests=[hf],
    )
    ContactFactory(owner=alice, first_name="", last_name="", email="only@example.org")
    stream = io.StringIO()

    count = write_contacts_vcard(Contact.objects.for_user(alice), stream)

    cards = list(vobject.readComponents(stream.getvalue()))
    assert count == 2 and len(cards) == 2
    jane = next(c for c in cards if c.fn.value.startswith("Dr. Jane"))
    assert jane.n.value.family == "Smith"
    assert jane.n.value.suffix == "MD, PhD"
    assert jane.org.value == ["CHUM; Montréal"]
    assert jane.email.value == "jane@example.org"
    assert jane.tel.value == "+1 514 555 0100"
    assert jane.categories.value == ["heart failure"]
    assert jane.note.value == "Prefers short emails,\nnever Mondays."
    assert "divorce" not in stream.getvalue()


def test_it_puts_confidential_notes_in_vcards_only_when_asked(alice):
    ContactFactory(owner=alice, confidential_notes="divorce")
    stream = io.StringIO()
    write_contacts_vcard(Contact.objects.for_user(alice), stream, include_confidential=True)
    card = vobject.readOne(stream.getvalue())
    assert card.note.value == "Confidential: divorce"
