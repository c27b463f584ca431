import csv
import io

import pytest
from django.urls import reverse

from contacts.models import Connection, Contact, ContactMerge, Tier
from followups.models import FollowUp
from interactions.choices import Value
from interactions.models import Interaction
from tests.contacts.network import build_network
from tests.factories import ContactFactory, InteractionFactory, TopicFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def url(name, *args):
    return reverse(name, args=args)


class TestList:
    def test_it_lists_only_the_owners_active_contacts(self, alice_client, alice, bob):
        ContactFactory(owner=alice, last_name="Okafor")
        ContactFactory(owner=alice, last_name="Gone", archived_at="2026-01-01T00:00Z")
        ContactFactory(owner=bob, last_name="Berg")
        response = alice_client.get(url("contact_list"))
        assert response.status_code == 200
        assert b"Okafor" in response.content
        assert b"Gone" not in response.content
        assert b"Berg" not in response.content

    def test_htmx_search_gets_only_the_results_fragment(self, alice_client, alice):
        ContactFactory(owner=alice, last_name="Okafor", specialty="Neurology")
        ContactFactory(owner=alice, last_name="Berg", specialty="Cardiology")
        response = alice_client.get(url("contact_list"), {"q": "neuro"}, headers=HTMX)
        html = response.content.decode()
        assert html.lstrip().startswith('<div id="contact-results"')
        assert "Okafor" in html and "Berg" not in html
        assert "<html" not in html

    def test_the_same_search_works_without_javascript(self, alice_client, alice):
        ContactFactory(owner=alice, last_name="Okafor", specialty="Neurology")
        response = alice_client.get(url("contact_list"), {"q": "neuro", "sort": "recent"})
        assert b"<html" in response.content
        assert b"matching \xe2\x80\x9cneuro\xe2\x80\x9d" in response.content
        assert b'hx-trigger="input changed delay:300ms, search"' in response.content

    def test_it_ignores_another_users_topic_in_the_filters(self, alice_client, alice, bob):
        ContactFactory(owner=alice, last_name="Okafor")
        response = alice_client.get(url("contact_list"), {"topic": TopicFactory(owner=bob).pk})
        assert response.status_code == 200
        assert b"Okafor" in response.content

    def test_it_paginates(self, alice_client, alice):
        for i in range(30):
            ContactFactory(owner=alice, last_name=f"Person{i:02d}")
        second = alice_client.get(url("contact_list"), {"page": 2})
        assert b"Person29" in second.content and b"Person00" not in second.content
        assert b"page 2 of 2" in second.content

    @pytest.mark.parametrize("params", [{}, {"q": "a", "tier": "regular", "sort": "recent"}])
    def test_its_query_count_does_not_grow(
        self, client, alice, bob, params, django_assert_num_queries
    ):
        for user, size in ((alice, 3), (bob, 12)):
            build_network(user, size)
            client.force_login(user)
            # session, user, preferences, count, topics, events, page, interests
            with django_assert_num_queries(8):
                assert client.get(url("contact_list"), params).status_code == 200


class TestDetail:
    def test_it_says_give_before_you_ask_when_asks_outnumber_gives(self, alice_client, alice):
        contact = ContactFactory(owner=alice)
        InteractionFactory(owner=alice, contact=contact, value=Value.ASK)
        InteractionFactory(owner=alice, contact=contact, value=Value.ASK)
        InteractionFactory(owner=alice, contact=contact, value=Value.GIVE)
        html = alice_client.get(contact.get_absolute_url()).content.decode()
        assert "Give before you ask: in the last year you asked 2 times and gave 1." in html

    def test_it_says_when_nothing_was_given_or_asked(self, alice_client, alice):
        contact = ContactFactory(owner=alice)
        InteractionFactory(owner=alice, contact=contact, value=Value.NEUTRAL)
        html = alice_client.get(contact.get_absolute_url()).content.decode()
        assert "No gives or asks recorded this year." in html

    def test_it_shows_the_profile_timeline_and_confidential_notes(self, alice_client, alice):
        contact = ContactFactory(
            owner=alice, recent_work="Paper on sepsis alerts", confidential_notes="Moving to Oslo"
        )
        InteractionFactory(owner=alice, contact=contact, summary="Coffee after rounds")
        html = alice_client.get(contact.get_absolute_url()).content.decode()
        assert "Paper on sepsis alerts" in html
        assert "Coffee after rounds" in html
        assert "Moving to Oslo" in html and "Confidential" in html
        assert html.count('class="spark__bar') == 12
        assert "style=" not in html

    def test_its_query_count_does_not_grow(self, client, alice, bob, django_assert_num_queries):
        for user, size in ((alice, 2), (bob, 10)):
            hub = build_network(user, size)[0]
            client.force_login(user)
            with django_assert_num_queries(11):
                assert client.get(hub.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "name,method",
    [
        ("contact_detail", "get"),
        ("contact_edit", "get"),
        ("contact_edit", "post"),
        ("contact_archive", "get"),
        ("contact_archive", "post"),
        ("contact_introduce", "get"),
        ("contact_introduce", "post"),
        ("contact_merge", "get"),
        ("contact_merge", "post"),
    ],
)
def test_it_checks_ownership(bob_client, alice, name, method):
    contact = ContactFactory(owner=alice, last_name="Okafor")
    response = getattr(bob_client, method)(url(name, contact.pk), {"first_name": "X"})
    assert response.status_code == 404
    contact.refresh_from_db()
    assert (contact.last_name, contact.archived_at) == ("Okafor", None)


class TestCreateAndEdit:
    def test_it_adds_a_contact(self, alice_client, alice):
        response = alice_client.post(
            url("contact_create"),
            {"first_name": "Ada", "last_name": "Okafor", "tier": "close", "interests_text": "a, b"},
        )
        contact = Contact.objects.for_user(alice).get()
        assert response.status_code == 302
        assert response["Location"] == contact.get_absolute_url()
        assert contact.interests.count() == 2

    @pytest.mark.parametrize(
        "data,message",
        [
            ({"title": "Nurse", "tier": "regular"}, b"Give at least a first name"),
            ({"first_name": "Ada", "tier": "regular", "cadence_days": "0"}, b"Between 1 and"),
            ({"first_name": "Ada", "tier": "regular", "email": "nope"}, b"valid email"),
            ({"first_name": "Ada", "tier": "vip"}, b"Select a valid choice"),
        ],
    )
    def test_it_explains_bad_input_and_writes_nothing(self, alice_client, data, message):
        response = alice_client.post(url("contact_create"), data)
        assert response.status_code == 400
        assert message in response.content
        assert not Contact.objects.exists()

    def test_it_refuses_another_users_event(self, alice_client, bob):
        from tests.factories import EventFactory

        event = EventFactory(owner=bob)
        response = alice_client.post(
            url("contact_create"),
            {"first_name": "Ada", "tier": "regular", "met_at_event": event.pk},
        )
        assert response.status_code == 400
        assert not Contact.objects.exists()

    def test_it_edits_a_contact(self, alice_client, alice):
        contact = ContactFactory(owner=alice, interests=[TopicFactory(owner=alice, name="sepsis")])
        page = alice_client.get(url("contact_edit", contact.pk))
        assert b'value="sepsis"' in page.content
        data = {"first_name": "Ada", "last_name": "Okafor", "tier": "regular"}
        response = alice_client.post(url("contact_edit", contact.pk), data)
        assert response.status_code == 302
        contact.refresh_from_db()
        assert contact.first_name == "Ada"
        assert contact.interests.count() == 0


class TestArchive:
    def test_it_asks_then_archives_and_offers_undo(self, alice_client, alice):
        contact = ContactFactory(owner=alice, last_name="Okafor")
        confirm = alice_client.get(url("contact_archive", contact.pk))
        assert b"Archive Dr." in confirm.content
        contact.refresh_from_db()
        assert contact.archived_at is None
        response = alice_client.post(url("contact_archive", contact.pk), follow=True)
        contact.refresh_from_db()
        assert contact.archived_at is not None
        html = response.content.decode()
        assert "Undo" in html and f'name="ids" value="{contact.pk}"' in html
        alice_client.post(url("contacts_restore"), {"ids": [contact.pk]})
        contact.refresh_from_db()
        assert contact.archived_at is None

    def test_undo_refuses_another_users_contact(self, bob_client, alice):
        contact = ContactFactory(owner=alice, archived_at="2026-01-01T00:00Z")
        assert bob_client.post(url("contacts_restore"), {"ids": [contact.pk]}).status_code == 404
        contact.refresh_from_db()
        assert contact.archived_at is not None


class TestIntroduce:
    def test_it_introduces_two_contacts(self, alice_client, alice):
        ada, ben = ContactFactory(owner=alice), ContactFactory(owner=alice)
        form = alice_client.get(url("contact_introduce", ada.pk))
        assert form.status_code == 200
        response = alice_client.post(
            url("contact_introduce", ada.pk),
            {
                "other": ben.pk,
                "occurred_on": alice.preferences.local_today().isoformat(),
                "channel": "email",
                "note": "Both work on sepsis",
                "check_after_days": 10,
            },
        )
        assert response.status_code == 302
        assert Interaction.objects.count() == 2
        assert Connection.objects.get().note == "Both work on sepsis"
        assert FollowUp.objects.get().kind == "intro_check"

    @pytest.mark.parametrize("problem", ["foreign", "future", "missing"])
    def test_it_refuses_a_bad_introduction(self, alice_client, alice, bob, problem):
        ada, ben = ContactFactory(owner=alice), ContactFactory(owner=alice)
        other = ContactFactory(owner=bob) if problem == "foreign" else ben
        data = {
            "other": "" if problem == "missing" else other.pk,
            "occurred_on": "2999-01-01" if problem == "future" else "2026-01-05",
            "channel": "email",
            "check_after_days": 14,
        }
        response = alice_client.post(url("contact_introduce", ada.pk), data)
        assert response.status_code == 400
        assert not Interaction.objects.exists() and not Connection.objects.exists()


class TestMerge:
    def test_it_compares_then_merges(self, alice_client, alice):
        kept = ContactFactory(owner=alice, first_name="Ada", last_name="Okafor")
        other = ContactFactory(owner=alice, first_name="Adaeze", last_name="Okafor")
        InteractionFactory(owner=alice, contact=other)
        pick = alice_client.get(url("contact_merge", kept.pk))
        assert b"The duplicate" in pick.content
        compare = alice_client.get(url("contact_merge", kept.pk), {"other": other.pk})
        assert b"Adaeze" in compare.content and b'name="first_name"' in compare.content
        response = alice_client.post(
            url("contact_merge", kept.pk),
            {"other": other.pk, "first_name": "other", "email": "kept"},
        )
        assert response.status_code == 302
        kept.refresh_from_db()
        assert kept.first_name == "Adaeze"
        assert kept.interactions.count() == 1
        assert ContactMerge.objects.get().kept == kept

    def test_it_is_a_404_to_merge_another_users_contact(self, alice_client, alice, bob):
        kept, foreign = ContactFactory(owner=alice), ContactFactory(owner=bob)
        assert (
            alice_client.get(url("contact_merge", kept.pk), {"other": foreign.pk}).status_code
            == 404
        )
        response = alice_client.post(url("contact_merge", kept.pk), {"other": foreign.pk})
        assert response.status_code == 404
        assert Contact.objects.count() == 2

    def test_a_missing_choice_is_an_error_and_nothing_merges(self, alice_client, alice):
        kept = ContactFactory(owner=alice, first_name="Ada")
        other = ContactFactory(owner=alice, first_name="Bea")
        response = alice_client.post(
            url("contact_merge", kept.pk), {"other": other.pk, "first_name": "nope"}
        )
        assert response.status_code == 400
        assert Contact.objects.count() == 2


class TestBulk:
    def post(self, client, ids, **data):
        return client.post(url("contact_bulk"), {"ids": ids, "next": "/contacts/?q=a", **data})

    def test_it_sets_the_tier_and_returns_to_the_list(self, alice_client, alice):
        people = [ContactFactory(owner=alice) for _ in range(2)]
        response = self.post(alice_client, [p.pk for p in people], action="tier", tier="close")
        assert response["Location"] == "/contacts/?q=a"
        assert set(Contact.objects.values_list("tier", flat=True)) == {Tier.CLOSE}

    def test_it_archives_and_the_list_offers_undo(self, alice_client, alice):
        people = [ContactFactory(owner=alice) for _ in range(2)]
        self.post(alice_client, [p.pk for p in people], action="archive")
        html = alice_client.get(url("contact_list")).content.decode()
        assert "Archived 2 contacts" in html and "Undo" in html
        assert "Undo" not in alice_client.get(url("contact_list")).content.decode()

    def test_it_is_a_404_with_another_users_id(self, alice_client, alice, bob):
        mine, theirs = ContactFactory(owner=alice), ContactFactory(owner=bob)
        response = self.post(alice_client, [mine.pk, theirs.pk], action="archive")
        assert response.status_code == 404
        assert not Contact.objects.filter(archived_at__isnull=False).exists()

    @pytest.mark.parametrize(
        "ids,data",
        [([], {"action": "archive"}), (None, {"action": "tag", "tag": ""}), (None, {})],
    )
    def test_it_explains_a_bad_request_and_writes_nothing(self, alice_client, alice, ids, data):
        contact = ContactFactory(owner=alice)
        response = self.post(alice_client, [contact.pk] if ids is None else ids, **data)
        assert response.status_code == 302
        page = alice_client.get(response["Location"]).content.decode()
        assert "flash__item--error" in page
        contact.refresh_from_db()
        assert contact.archived_at is None and not contact.interests.exists()

    def test_it_exports_the_selection_without_confidential_notes(self, alice_client, alice):
        risky = ContactFactory(
            owner=alice, last_name="Okafor", notes="=HYPERLINK(1)", confidential_notes="secret"
        )
        ContactFactory(owner=alice, last_name="NotSelected")
        response = self.post(alice_client, [risky.pk], action="export")
        assert response["Content-Type"].startswith("text/csv")
        text = response.content.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [r["Last name"] for r in rows] == ["Okafor"]
        assert rows[0]["Notes"] == "'=HYPERLINK(1)"
        assert "secret" not in text
