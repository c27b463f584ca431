"""The JSON archive: export, import into a new account, export again: nothing lost."""

import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.archive_import import ArchiveImportError, archive_import
from contacts.exports import ARCHIVE_EXCLUDED, archive_collections, build_archive, write_archive
from contacts.models import ColumnMapping, Contact, ContactMerge
from followups.models import CommitmentStatus, FollowUp, FollowUpKind, FollowUpStatus, Preferences
from followups.rules import run_rules
from interactions.choices import Channel, Direction, Value
from tests.factories import (
    AttendanceFactory,
    CommitmentFactory,
    ConnectionFactory,
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    InteractionFactory,
    MessageTemplateFactory,
    QuietPeriodFactory,
    ResourceFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
LOCAL_APPS = {"contacts", "interactions", "followups"}
WHEN = datetime(2026, 10, 3, 14, 5, 6, 123456, tzinfo=UTC)


def build_network(owner) -> None:
    """One of everything, with the awkward values: microseconds, unicode, nulls, JSON."""
    hf, ai = TopicFactory(owner=owner, name="heart failure"), TopicFactory(owner=owner, name="IA")
    resource = ResourceFactory(owner=owner, title="Étude télésurveillance", topics=[hf, ai])
    event = EventFactory(owner=owner, name="Sommet", starts_on=date(2026, 12, 1), ends_on=None)
    jane = ContactFactory(
        owner=owner,
        first_name="Jane",
        last_name="=Smith",
        interests=[hf],
        met_at_event=event,
        confidential_notes="Private: leaving her post",
        phone="+1 (514) 555-0100",
        do_not_contact=True,
        cadence_days=45,
        last_two_way_at=WHEN,
        stale_since=date(2026, 11, 1),
    )
    omar = ContactFactory(owner=owner, first_name="Omar", last_name="Haddad", email="")
    ConnectionFactory(owner=owner, from_contact=omar, to_contact=jane, note="Co-residents")
    interaction = InteractionFactory(
        owner=owner,
        contact=jane,
        occurred_at=WHEN,
        channel=Channel.CONFERENCE,
        direction=Direction.MUTUAL,
        event=event,
        resource=resource,
        value=Value.GIVE,
        summary="Talked about “remote monitoring”.\nFollow up in Jan.",
    )
    AttendanceFactory(
        owner=owner,
        event=event,
        contact=jane,
        is_target=True,
        met=True,
        met_at=WHEN,
        goals="Pilot",
        talking_points="- HF clinic",
    )
    AttendanceFactory(owner=owner, event=event, contact=omar)
    commitment = CommitmentFactory(
        owner=owner,
        contact=jane,
        source_interaction=interaction,
        promised_on=date(2026, 10, 3),
        due_on=date(2026, 10, 10),
        status=CommitmentStatus.KEPT,
        completed_on=date(2026, 10, 9),
    )
    FollowUpFactory(
        owner=owner,
        contact=jane,
        kind=FollowUpKind.COMMITMENT,
        commitment=commitment,
        dedupe_key=f"commitment:{commitment.pk}",
    )
    FollowUpFactory(
        owner=owner,
        contact=omar,
        kind=FollowUpKind.SHARE,
        resource=resource,
        status=FollowUpStatus.SNOOZED,
        snoozed_until=date(2026, 12, 3),
        source_interaction=interaction,
        dedupe_key=f"share:{resource.pk}:{omar.pk}",
    )
    QuietPeriodFactory(owner=owner, contact=None, reason="Vacation")
    QuietPeriodFactory(owner=owner, contact=omar, reason="On call")
    MessageTemplateFactory(owner=owner)
    ColumnMapping.objects.create(
        owner=owner,
        header_signature="abc",
        headers=["Name", "E-mail"],
        mapping={"Name": "full_name", "E-mail": "email"},
    )
    ContactMerge.objects.create(
        owner=owner, kept=jane, merged_name="J. Smith", merged_data={"email": "js@old.org"}
    )
    preferences = Preferences.for_user(owner)
    preferences.time_zone = "America/Montreal"
    preferences.digest_hour = 6
    preferences.save()


def comparable(archive: dict) -> dict:
    return {k: v for k, v in archive.items() if k != "exported_at"}


def test_it_round_trips_everything_into_a_new_account(alice):
    build_network(alice)
    bob = UserFactory(username="bob")  # noise from another user must not leak in
    ContactFactory(owner=bob)
    stream = io.StringIO()
    write_archive(alice, stream, include_confidential=True)
    first = json.loads(stream.getvalue())

    carol = UserFactory(username="carol")
    counts = archive_import(owner=carol, data=json.loads(stream.getvalue()))

    second = build_archive(carol, include_confidential=True)
    assert comparable(second) == comparable(first)
    assert counts["contacts"] == 2 and counts["followups"] == 2 and counts["topics"] == 2
    for collection in archive_collections():
        assert len(first[collection.name]) > 0, f"build_network misses {collection.name}"
    jane = Contact.objects.for_user(carol).get(first_name="Jane")
    assert jane.last_two_way_at == WHEN
    assert jane.confidential_notes == "Private: leaving her post"
    assert Preferences.for_user(carol).time_zone == "America/Montreal"
    assert Preferences.for_user(carol).calendar_token != Preferences.for_user(alice).calendar_token
    assert Contact.objects.for_user(alice).count() == 2  # the source is untouched


def test_it_rebuilds_dedupe_keys_with_the_new_ids(alice):
    """The rules find their follow-ups by keys made of ids ("thank_you:42"): after a
    restore they must name the new rows, or every rule would fire a second time."""
    build_network(alice)
    archive = build_archive(alice)
    assert {f["dedupe_key"] for f in archive["followups"]} == {
        "commitment:{commitment}",
        "share:{resource}:{contact}",
    }
    carol = UserFactory(username="carol")
    archive_import(owner=carol, data=archive)
    keys = {
        f.kind: (f.dedupe_key, f)
        for f in FollowUp.objects.for_user(carol).select_related("commitment")
    }
    key, followup = keys[FollowUpKind.COMMITMENT]
    assert key == f"commitment:{followup.commitment_id}"
    key, followup = keys[FollowUpKind.SHARE]
    assert key == f"share:{followup.resource_id}:{followup.contact_id}"


def test_it_restores_an_account_the_rules_find_up_to_date(alice):
    """Run the rules, archive, restore, run them again: nothing new in either account."""
    build_network(alice)
    now = datetime(2026, 10, 4, 9, tzinfo=UTC)
    InteractionFactory(
        owner=alice,
        contact=Contact.objects.get(first_name="Omar"),
        occurred_at=now - timedelta(hours=20),
        channel=Channel.CALL,
    )
    assert run_rules(alice, now=now).created[FollowUpKind.THANK_YOU] == 1
    carol = UserFactory(username="carol")
    archive_import(owner=carol, data=build_archive(alice, include_confidential=True))
    before = FollowUp.objects.for_user(carol).count()

    report = run_rules(carol, now=now)

    assert report.created_total == 0
    assert FollowUp.objects.for_user(carol).count() == before


def test_it_archives_every_model_the_user_owns():
    """A new owned model must be archived, or excluded here with a reason."""
    archived = {c.model._meta.label for c in archive_collections()}
    for model in apps.get_models():
        fields = {f.name for f in model._meta.get_fields()}
        if "owner" in fields or ("user" in fields and model._meta.app_label in LOCAL_APPS):
            label = model._meta.label
            if label == "followups.Preferences":
                continue  # archived on its own, as "preferences"
            assert label in archived or label in ARCHIVE_EXCLUDED, label


def test_it_archives_every_foreign_key_as_a_reference():
    """A new foreign key on an archived model must be declared, or ids would leak."""
    names = {c.name for c in archive_collections()}
    for collection in archive_collections():
        for field in collection.fields():
            if field.is_relation:
                assert field.name in collection.references, (collection.name, field.name)
                assert collection.references[field.name] in names
        for field in collection.model._meta.many_to_many:
            assert field.name in collection.many, (collection.name, field.name)


def test_it_leaves_confidential_notes_out_unless_asked(alice):
    ContactFactory(owner=alice, confidential_notes="secret")
    archive = build_archive(alice)
    assert archive["contacts"][0]["confidential_notes"] == ""
    assert "secret" not in json.dumps(archive)
    assert archive["includes_confidential"] is False


def test_it_reads_in_a_constant_number_of_queries(alice, django_assert_num_queries):
    build_network(alice)
    build_archive(alice)
    with CaptureQueriesContext(connection) as small:
        build_archive(alice)
    for _ in range(3):
        ContactFactory(owner=alice, interests=[TopicFactory(owner=alice)])
    with django_assert_num_queries(len(small)):
        build_archive(alice)


def good_archive(owner) -> dict:
    build_network(owner)
    return build_archive(owner, include_confidential=True)


def assert_nothing_written(user):
    for collection in archive_collections():
        assert not collection.model.objects.for_user(user).exists(), collection.name


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda a: a.update(format="other"), "not a Rapport archive"),
        (lambda a: a.update(version=99), "version 99"),
        (lambda a: a.update(contacts="nope"), "“contacts” must be a list"),
        (lambda a: a["contacts"][0].update(ref="x"), "unique whole-number “ref”"),
        (lambda a: a["contacts"][1].update(ref=a["contacts"][0]["ref"]), "unique whole-number"),
        (lambda a: a["contacts"][0].update(email="not an email"), "email: Enter a valid email"),
        (lambda a: a["contacts"][0].update(tier="best friend"), "tier: Value 'best friend'"),
        (lambda a: a["contacts"][0].update(shoe_size=44), "unknown field(s) shoe_size"),
        (lambda a: a["contacts"][0].update(notes="a\x00b"), "notes: contains a NUL"),
        (lambda a: a["contacts"][0].update(first_name="x" * 101), "at most 100 characters"),
        (lambda a: a["contacts"][0].update(cadence_days=0), "cadence"),
        (lambda a: a["interactions"][0].update(contact=999), "refers to missing contacts #999"),
        (lambda a: a["interactions"][0].update(occurred_at="yesterday"), "occurred_at"),
        (lambda a: a["contacts"][0].update(interests=[77]), "interests refers to missing topics"),
        (lambda a: a["preferences"].update(time_zone="Mars/Olympus"), "not a time zone"),
        (lambda a: a["preferences"].update(calendar_token="x"), "unknown field calendar_token"),
        # A database constraint, caught after the checks: still nothing written.
        (
            lambda a: a["attendances"][1].update(contact=a["attendances"][0]["contact"]),
            "inconsistent",
        ),
    ],
)
def test_it_refuses_a_bad_archive_and_writes_nothing(alice, mangle, message):
    archive = good_archive(alice)
    mangle(archive)
    carol = UserFactory(username="carol")
    with pytest.raises(ArchiveImportError) as caught:
        archive_import(owner=carol, data=archive)
    assert message in str(caught.value)
    assert_nothing_written(carol)


@pytest.mark.parametrize("data", [None, [], "text", {"format": "rapport-archive"}])
def test_it_refuses_what_is_not_an_archive(alice, data):
    with pytest.raises(ArchiveImportError):
        archive_import(owner=alice, data=data)
    assert_nothing_written(alice)


def test_it_refuses_an_account_that_has_data(alice):
    archive = good_archive(alice)
    with pytest.raises(ArchiveImportError, match="already has data"):
        archive_import(owner=alice, data=archive)
    assert Contact.objects.for_user(alice).count() == 2


def test_it_imports_an_older_archive_without_a_field(alice):
    archive = good_archive(alice)
    for row in archive["contacts"]:
        del row["website"]
    carol = UserFactory(username="carol")
    archive_import(owner=carol, data=archive)
    assert Contact.objects.for_user(carol).count() == 2
    assert all(c.website == "" for c in Contact.objects.for_user(carol))
