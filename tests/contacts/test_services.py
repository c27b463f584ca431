from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from contacts import services
from contacts.models import Connection, ConnectionKind, Contact, ContactMerge, Tier, Topic
from followups.models import FollowUp, FollowUpKind, FollowUpStatus
from interactions.choices import Purpose, Value, ValueKind
from interactions.models import Attendance, Interaction
from tests.factories import (
    AttendanceFactory,
    CommitmentFactory,
    ConnectionFactory,
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    InteractionFactory,
    QuietPeriodFactory,
    TopicFactory,
)

NOW = datetime(2026, 3, 15, 12, tzinfo=ZoneInfo("UTC"))
pytestmark = pytest.mark.django_db


class TestCreateAndUpdate:
    def test_it_creates_a_contact_with_new_and_existing_interests(self, alice):
        TopicFactory(owner=alice, name="Sepsis")
        contact = services.contact_create(
            owner=alice,
            interest_names=["sepsis", "AI triage", "ai triage "],
            first_name="Ada",
            last_name="Okafor",
            phone="+1 (514) 555-0100",
        )
        assert sorted(t.name for t in contact.interests.all()) == ["AI triage", "Sepsis"]
        assert Topic.objects.for_user(alice).count() == 2
        assert contact.phone_normalized == "+15145550100"

    def test_it_refuses_a_contact_without_name_or_email(self, alice):
        with pytest.raises(ValidationError):
            services.contact_create(owner=alice, title="Nurse")
        assert not Contact.objects.exists()

    def test_it_refuses_another_users_event(self, alice, bob):
        with pytest.raises(services.ContactError):
            services.contact_create(
                owner=alice, first_name="Ada", met_at_event=EventFactory(owner=bob)
            )
        assert not Contact.objects.exists()

    def test_it_updates_and_replaces_interests(self, alice):
        contact = ContactFactory(owner=alice, interests=[TopicFactory(owner=alice)])
        services.contact_update(
            contact=contact, interest_names=["wearables"], specialty="Geriatrics"
        )
        contact.refresh_from_db()
        assert contact.specialty == "Geriatrics"
        assert [t.name for t in contact.interests.all()] == ["wearables"]


class TestArchive:
    def test_it_archives_and_restores(self, alice):
        contact = ContactFactory(owner=alice)
        services.contact_archive(contact=contact, now=NOW)
        assert Contact.objects.get().archived_at == NOW
        assert not Contact.objects.for_user(alice).active().exists()
        services.contact_unarchive(contact=contact)
        assert Contact.objects.for_user(alice).active().get() == contact


class TestIntroduce:
    def test_it_records_a_give_for_both_a_connection_and_a_check(self, alice):
        ada, ben = ContactFactory(owner=alice), ContactFactory(owner=alice)
        link = services.contacts_introduce(
            owner=alice, contact=ada, other=ben, occurred_at=NOW, note="Both on sepsis alerts"
        )
        for person, counterpart in ((ada, ben), (ben, ada)):
            interaction = Interaction.objects.get(contact=person)
            assert interaction.value == Value.GIVE
            assert interaction.value_kind == ValueKind.INTRODUCTION
            assert interaction.purpose == Purpose.INTRODUCTION
            assert counterpart.display_name in interaction.summary
        assert (link.from_contact, link.to_contact, link.kind) == (
            ada,
            ben,
            ConnectionKind.INTRODUCED,
        )
        check = FollowUp.objects.get()
        assert (check.contact, check.kind) == (ada, FollowUpKind.INTRO_CHECK)
        assert check.due_on == date(2026, 3, 29)

    def test_running_it_twice_the_same_day_opens_one_check(self, alice):
        ada, ben = ContactFactory(owner=alice), ContactFactory(owner=alice)
        for _ in range(2):
            services.contacts_introduce(owner=alice, contact=ada, other=ben, occurred_at=NOW)
        assert FollowUp.objects.count() == 1
        assert Connection.objects.count() == 1

    @pytest.mark.parametrize("problem", ["same", "do_not_contact", "archived", "foreign"])
    def test_it_refuses_a_bad_introduction_and_writes_nothing(self, alice, bob, problem):
        ada = ContactFactory(owner=alice)
        other = {
            "same": ada,
            "do_not_contact": ContactFactory(owner=alice, do_not_contact=True),
            "archived": ContactFactory(owner=alice, archived_at=NOW),
            "foreign": ContactFactory(owner=bob),
        }[problem]
        with pytest.raises(services.ContactError):
            services.contacts_introduce(owner=alice, contact=ada, other=other, occurred_at=NOW)
        assert not Interaction.objects.exists()
        assert not Connection.objects.exists()
        assert not FollowUp.objects.exists()


class TestMerge:
    def test_it_chooses_field_by_field_and_fills_blanks(self, alice):
        kept = ContactFactory(owner=alice, first_name="Ada", specialty="Cardiology", phone="")
        other = ContactFactory(
            owner=alice,
            first_name="Adaeze",
            specialty="Heart failure",
            phone="514 555 0100",
            notes="Met at ESC",
            tier=Tier.CLOSE,
        )
        kept.notes = "Likes short emails"
        kept.save()
        services.contacts_merge(
            owner=alice,
            kept=kept,
            other=other,
            choices={"first_name": "other", "notes": "both", "tier": "kept"},
        )
        kept.refresh_from_db()
        assert kept.first_name == "Adaeze"
        assert kept.specialty == "Cardiology"
        assert kept.phone == "514 555 0100"  # empty on the kept contact: filled
        assert kept.phone_normalized == "5145550100"
        assert kept.notes == "Likes short emails\n\nMet at ESC"
        assert kept.tier == Tier.REGULAR
        assert not Contact.objects.filter(pk=other.pk).exists()

    def test_it_keeps_everything_of_both(self, alice):
        kept, other = ContactFactory(owner=alice), ContactFactory(owner=alice)
        third = ContactFactory(owner=alice)
        topic = TopicFactory(owner=alice)
        other.interests.add(topic)
        for person in (kept, other):
            InteractionFactory(owner=alice, contact=person)
            CommitmentFactory(owner=alice, contact=person)
            FollowUpFactory(owner=alice, contact=person, kind=FollowUpKind.THANK_YOU)
        QuietPeriodFactory(owner=alice, contact=other)
        AttendanceFactory(owner=alice, contact=other)
        ConnectionFactory(owner=alice, from_contact=other, to_contact=third)
        merge = services.contacts_merge(owner=alice, kept=kept, other=other)

        assert kept.interactions.count() == 2
        assert kept.commitments.count() == 2
        assert kept.followups.count() == 2
        assert kept.busy_periods.count() == 1
        assert kept.attendances.count() == 1
        assert Connection.objects.get().from_contact == kept
        assert list(kept.interests.all()) == [topic]
        assert merge.kept == kept
        assert merge.merged_data["contact"]["id"] == other.pk
        assert merge.merged_name == other.display_name

    def test_it_dismisses_the_later_of_two_identical_open_reminders(self, alice):
        kept, other = ContactFactory(owner=alice), ContactFactory(owner=alice)
        later = FollowUpFactory(owner=alice, contact=kept, due_on=date(2026, 3, 20))
        sooner = FollowUpFactory(owner=alice, contact=other, due_on=date(2026, 3, 16))
        services.contacts_merge(owner=alice, kept=kept, other=other)
        later.refresh_from_db()
        sooner.refresh_from_db()
        assert (sooner.contact, sooner.status) == (kept, FollowUpStatus.OPEN)
        assert (later.contact, later.status) == (kept, FollowUpStatus.DISMISSED)

    def test_it_folds_two_attendances_at_one_event(self, alice):
        kept, other = ContactFactory(owner=alice), ContactFactory(owner=alice)
        event = EventFactory(owner=alice)
        AttendanceFactory(owner=alice, event=event, contact=kept, talking_points="Ask about AI")
        AttendanceFactory(
            owner=alice, event=event, contact=other, is_target=True, talking_points="Pilot"
        )
        services.contacts_merge(owner=alice, kept=kept, other=other)
        attendance = Attendance.objects.get()
        assert attendance.contact == kept
        assert attendance.is_target is True
        assert attendance.talking_points == "Ask about AI\n\nPilot"

    def test_it_drops_links_between_the_two_and_does_not_double_links(self, alice):
        kept, other, third = (ContactFactory(owner=alice) for _ in range(3))
        ConnectionFactory(owner=alice, from_contact=kept, to_contact=other)
        ConnectionFactory(owner=alice, from_contact=kept, to_contact=third)
        ConnectionFactory(owner=alice, from_contact=other, to_contact=third)
        ConnectionFactory(owner=alice, from_contact=third, to_contact=other, kind="mentor")
        services.contacts_merge(owner=alice, kept=kept, other=other)
        links = {(c.from_contact_id, c.to_contact_id, c.kind) for c in Connection.objects.all()}
        assert links == {(kept.pk, third.pk, "colleague"), (third.pk, kept.pk, "mentor")}

    def test_it_carries_earlier_merges_over(self, alice):
        kept, other, older = (ContactFactory(owner=alice) for _ in range(3))
        services.contacts_merge(owner=alice, kept=other, other=older)
        services.contacts_merge(owner=alice, kept=kept, other=other)
        assert set(ContactMerge.objects.values_list("kept", flat=True)) == {kept.pk}

    @pytest.mark.parametrize("problem", ["self", "foreign", "bad_choice", "unknown_field"])
    def test_it_refuses_a_bad_merge_and_writes_nothing(self, alice, bob, problem):
        kept = ContactFactory(owner=alice, first_name="Ada")
        other = ContactFactory(owner=bob if problem == "foreign" else alice, first_name="Bea")
        InteractionFactory(owner=other.owner, contact=other)
        choices = {"bad_choice": {"first_name": "maybe"}, "unknown_field": {"owner": "other"}}
        with pytest.raises(services.ContactError):
            services.contacts_merge(
                owner=alice,
                kept=kept,
                other=kept if problem == "self" else other,
                choices=choices.get(problem),
            )
        assert Contact.objects.count() == 2
        kept.refresh_from_db()
        assert kept.first_name == "Ada"
        assert not ContactMerge.objects.exists()
        assert other.interactions.count() == 1


class TestBulk:
    def test_it_tags_sets_cadence_tier_and_archives_with_undo(self, alice):
        people = [ContactFactory(owner=alice) for _ in range(3)]
        ids = [p.pk for p in people[:2]]
        topic = services.bulk_tag(owner=alice, contact_ids=ids, topic_name="Summit 2026")
        assert set(topic.contacts.all()) == set(people[:2])
        assert services.bulk_set_cadence(owner=alice, contact_ids=ids, cadence_days=45) == 2
        assert services.bulk_set_tier(owner=alice, contact_ids=ids, tier=Tier.CLOSE) == 2
        people[0].refresh_from_db()
        assert (people[0].cadence_days, people[0].tier) == (45, Tier.CLOSE)
        services.contact_archive(contact=people[1])
        archived = services.bulk_archive(owner=alice, contact_ids=ids + [people[2].pk])
        assert sorted(archived) == sorted([people[0].pk, people[2].pk])
        assert services.bulk_unarchive(owner=alice, contact_ids=archived) == 2
        assert Contact.objects.for_user(alice).active().count() == 2

    def test_it_refuses_any_foreign_id_and_writes_nothing(self, alice, bob):
        mine, theirs = ContactFactory(owner=alice), ContactFactory(owner=bob)
        with pytest.raises(services.ContactError):
            services.bulk_set_tier(
                owner=alice, contact_ids=[mine.pk, theirs.pk], tier=Tier.ACQUAINTANCE
            )
        with pytest.raises(services.ContactError):
            services.bulk_archive(owner=alice, contact_ids=[theirs.pk])
        assert Contact.objects.filter(tier=Tier.ACQUAINTANCE).count() == 0
        assert not Contact.objects.filter(archived_at__isnull=False).exists()

    @pytest.mark.parametrize(
        "call",
        [
            lambda ids, owner: services.bulk_set_cadence(
                owner=owner, contact_ids=ids, cadence_days=0
            ),
            lambda ids, owner: services.bulk_set_tier(owner=owner, contact_ids=ids, tier="vip"),
            lambda ids, owner: services.bulk_tag(owner=owner, contact_ids=ids, topic_name="  "),
        ],
    )
    def test_it_refuses_bad_values(self, alice, call):
        contact = ContactFactory(owner=alice, tier=Tier.REGULAR)
        with pytest.raises(services.ContactError):
            call([contact.pk], alice)
        contact.refresh_from_db()
        assert (contact.tier, contact.cadence_days) == (Tier.REGULAR, None)
        assert not Topic.objects.exists()


def test_it_normalizes_phone_numbers():
    assert services.normalize_phone("+44 20 7946 0958") == "+442079460958"
    assert services.normalize_phone("(514) 555-0100 ext. 2") == "51455501002"
    assert services.normalize_phone("n/a") == ""


def test_default_merge_choice_prefers_a_value_to_an_empty_one():
    kept = Contact(first_name="Ada", phone="")
    other = Contact(first_name="Bea", phone="555")
    assert services.default_merge_choice(kept, other, "first_name") == "kept"
    assert services.default_merge_choice(kept, other, "phone") == "other"
