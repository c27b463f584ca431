import json
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from followups.models import FollowUp, FollowUpKind, FollowUpStatus, Preferences
from interactions.choices import Channel, Direction, Purpose, Value
from interactions.models import Interaction
from interactions.quicklog import SHORTLIST_SIZE, QuickLogForm
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
HX = {"HX-Request": "true"}
URL = "/log/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def data(person, **overrides):
    return {
        "contact": person.pk,
        "channel": Channel.CALL,
        "direction": Direction.MUTUAL,
        "purpose": Purpose.MEETING,
        "value": Value.NEUTRAL,
        "occurred_on": "2026-03-04",
        "summary": " Talked about the triage pilot ",
        **overrides,
    }


def test_it_is_routed_where_the_templates_post(alice_client):
    assert reverse("quicklog") == URL


def test_it_logs_an_interaction_inline_and_tells_the_page(alice_client, alice):
    contact = ContactFactory(owner=alice)
    response = alice_client.post(URL, data(contact), headers=HX)
    assert response.status_code == 200
    interaction = Interaction.objects.get()
    assert interaction.owner == alice
    assert interaction.contact == contact
    assert interaction.occurred_at == NOW
    assert interaction.channel == Channel.CALL
    assert interaction.summary == "Talked about the triage pilot"
    trigger = json.loads(response.headers["HX-Trigger"])
    assert trigger["interaction-logged"]["contact"] == contact.pk
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="quicklog"')
    assert "Logged: Phone call with" in html


def test_it_places_an_earlier_day_at_local_midday(alice_client, alice):
    preferences = Preferences.for_user(alice)
    preferences.time_zone = "America/Toronto"
    preferences.save()
    contact = ContactFactory(owner=alice)
    alice_client.post(URL, data(contact, occurred_on="2026-03-01"), headers=HX)
    assert Interaction.objects.get().occurred_at == datetime(2026, 3, 1, 17, 0, tzinfo=UTC)


def test_it_logs_without_javascript_and_returns_to_the_page(alice_client, alice):
    contact = ContactFactory(owner=alice)
    response = alice_client.post(URL, {**data(contact), "next": "/contacts/"})
    assert response.status_code == 302
    assert response.url == "/contacts/"
    assert Interaction.objects.count() == 1


def test_it_never_redirects_to_another_site(alice_client, alice):
    contact = ContactFactory(owner=alice)
    response = alice_client.post(URL, {**data(contact), "next": "https://evil.example/"})
    assert response.url == "/"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"occurred_on": "2026-03-05"}, "choose today or earlier"),
        ({"occurred_on": ""}, "This field is required."),
        ({"channel": "pigeon"}, "Select a valid choice."),
        ({"contact": ""}, "This field is required."),
        (
            {"awaiting_reply": "on", "direction": Direction.INBOUND},
            "Only a message you sent can be waiting for a reply.",
        ),
    ],
)
def test_it_refuses_bad_input_and_writes_nothing(alice_client, alice, overrides, message):
    contact = ContactFactory(owner=alice)
    response = alice_client.post(URL, data(contact, **overrides), headers=HX)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "HX-Trigger" not in response.headers
    assert not Interaction.objects.exists()


def test_it_shows_errors_on_its_own_page_without_javascript(alice_client, alice):
    contact = ContactFactory(owner=alice)
    response = alice_client.post(URL, data(contact, occurred_on="2026-03-05"))
    assert response.status_code == 400
    assert "<h1>Log an interaction</h1>" in response.content.decode()


def test_it_checks_ownership(alice, bob_client):
    contact = ContactFactory(owner=alice)
    response = bob_client.post(URL, data(contact), headers=HX)
    assert "Select a valid choice" in response.content.decode()
    response = bob_client.post(URL, {**data(contact), "fixed_contact": contact.pk})
    assert response.status_code == 404
    response = bob_client.get(URL, {"contact": contact.pk})
    assert response.status_code == 404
    assert not Interaction.objects.exists()


def test_it_can_be_fixed_to_one_contact_for_the_contact_page(alice_client, alice):
    contact = ContactFactory(owner=alice, first_name="Yara")
    response = alice_client.get(URL, {"contact": contact.pk})
    html = response.content.decode()
    assert f'name="fixed_contact" value="{contact.pk}"' in html
    assert 'type="hidden" name="contact"' in html
    form = QuickLogForm(user=alice, today=date(2026, 3, 4), contact=contact)
    assert form.fixed_contact == contact


def test_it_opens_the_thank_you_a_meeting_calls_for(alice_client, alice):
    contact = ContactFactory(owner=alice)
    alice_client.post(URL, data(contact, channel=Channel.IN_PERSON), headers=HX)
    followup = FollowUp.objects.get(contact=contact)
    assert followup.kind == FollowUpKind.THANK_YOU
    agenda = alice_client.get("/", headers={**HX, "HX-Target": "agenda"})
    assert f'id="row-{contact.pk}"' in agenda.content.decode()


def test_it_closes_the_thank_you_it_answers(alice_client, alice):
    contact = ContactFactory(owner=alice)
    meeting = data(contact, channel=Channel.IN_PERSON, occurred_on="2026-03-03")
    alice_client.post(URL, meeting, headers=HX)
    thanks = data(
        contact,
        channel=Channel.EMAIL,
        direction=Direction.OUTBOUND,
        purpose=Purpose.THANK_YOU,
    )
    alice_client.post(URL, thanks, headers=HX)
    followup = FollowUp.objects.get(contact=contact, kind=FollowUpKind.THANK_YOU)
    assert followup.status == FollowUpStatus.DONE


def people_network(owner, count: int):
    """`count` people; the higher the index, the more recently you talked."""
    people = ContactFactory.create_batch(count, owner=owner)
    for index, person in enumerate(people):
        person.last_two_way_at = datetime(2025, 1, 1, tzinfo=UTC).replace(day=1 + index % 28)
        person.last_two_way_at = person.last_two_way_at.replace(month=1 + index // 28)
        person.save(update_fields=["last_two_way_at"])
    return people


def shown_ids(form) -> set[int]:
    return {pk for pk, _ in form.fields["contact"].choices if pk}


def test_it_lists_only_the_people_most_recently_in_touch(alice):
    people = people_network(alice, SHORTLIST_SIZE + 10)
    form = QuickLogForm(user=alice, today=date(2026, 3, 4))
    assert shown_ids(form) == {p.pk for p in people[10:]}


def test_it_logs_someone_outside_the_shortlist_found_by_search(alice_client, alice):
    people = people_network(alice, SHORTLIST_SIZE + 10)
    oldest = people[0]
    response = alice_client.post(URL, data(oldest), headers=HX)
    assert response.status_code == 200
    assert Interaction.objects.filter(contact=oldest).count() == 1


def test_it_keeps_a_chosen_person_listed_when_the_form_comes_back_with_errors(alice):
    people = people_network(alice, SHORTLIST_SIZE + 10)
    form = QuickLogForm(
        data(people[0], occurred_on="2030-01-01"), user=alice, today=date(2026, 3, 4)
    )
    assert not form.is_valid()
    assert people[0].pk in shown_ids(form)


def test_it_finds_people_as_you_type(alice_client, alice, bob):
    ContactFactory(owner=alice, first_name="Imani", last_name="Okafor")
    ContactFactory(owner=alice, first_name="Jonas", last_name="Berg")
    ContactFactory(owner=bob, first_name="Imani", last_name="Outsider")
    html = alice_client.get("/log/people/", {"q": "imani"}).content.decode()
    assert "Okafor" in html
    assert "Berg" not in html
    assert "Outsider" not in html


def test_it_says_when_no_one_matches(alice_client, alice):
    ContactFactory(owner=alice, first_name="Imani", last_name="Okafor")
    html = alice_client.get("/log/people/", {"q": "zzzz"}).content.decode()
    assert "No one matches" in html
    assert "Okafor" not in html


def test_it_returns_the_shortlist_for_an_empty_search(alice_client, alice):
    people = people_network(alice, SHORTLIST_SIZE + 5)
    html = alice_client.get("/log/people/", {"q": ""}).content.decode()
    assert html.count("<option") == SHORTLIST_SIZE + 1
    assert f'value="{people[0].pk}"' not in html


def test_its_search_query_count_does_not_grow(alice_client, alice, django_assert_num_queries):
    people_network(alice, 5)
    with django_assert_num_queries(3) as small:  # session, user, the search
        alice_client.get("/log/people/", {"q": "a"})
    people_network(alice, 40)
    with django_assert_num_queries(len(small.captured_queries)):
        alice_client.get("/log/people/", {"q": "a"})


def test_it_refuses_a_note_that_looks_like_patient_information_and_writes_nothing(
    alice_client, alice
):
    person = ContactFactory(owner=alice)
    summary = "Discussed Mr. Jones, MRN 4455123, admitted with sepsis"
    response = alice_client.post(URL, data(person, summary=summary), headers=HX)
    html = response.content.decode()
    assert "This note may carry patient information: this seems to describe" in html
    assert 'name="phi_confirmed"' in html  # the box appears once the note is flagged
    assert not Interaction.objects.exists()


def test_it_saves_a_flagged_note_once_the_user_confirms(alice_client, alice):
    person = ContactFactory(owner=alice)
    summary = "Discussed Mr. Jones, MRN 4455123, admitted with sepsis"
    alice_client.post(URL, data(person, summary=summary, phi_confirmed="on"), headers=HX)
    assert Interaction.objects.get().summary == summary


def test_it_does_not_show_the_confirmation_box_for_a_clean_note(alice_client, alice):
    html = alice_client.get(URL).content.decode()
    assert 'name="phi_confirmed"' not in html
