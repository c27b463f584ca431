"""The draft page, its live check endpoint, "log as sent" and the user's templates."""

import pytest
from django.urls import reverse

from followups.models import FollowUpKind
from interactions.choices import Channel, Direction, Purpose, Value
from interactions.models import Interaction, MessageTemplate
from tests.factories import (
    ContactFactory,
    FollowUpFactory,
    MessageTemplateFactory,
    ResourceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(alice):
    topic = TopicFactory(owner=alice, name="remote patient monitoring")
    return ContactFactory(
        owner=alice,
        first_name="Amara",
        last_name="Okafor",
        email="amara@example.org",
        how_we_met="Poster session in Lisbon",
        interests=[topic],
    )


def draft_url(contact):
    return reverse("draft", args=[contact.pk])


def check_url(contact):
    return reverse("draft_check", args=[contact.pk])


def log_url(contact):
    return reverse("draft_log", args=[contact.pk])


def test_it_shows_the_draft_page_with_the_facts(alice_client, contact):
    response = alice_client.get(draft_url(contact))
    assert response.status_code == 200
    body = response.content.decode()
    assert "remote patient monitoring" in body and "Poster session in Lisbon" in body
    assert "Start typing" in body


def test_it_checks_ownership(bob_client, alice, contact):
    followup = FollowUpFactory(owner=alice, contact=contact)
    template = MessageTemplateFactory(owner=alice)
    assert bob_client.get(draft_url(contact)).status_code == 404
    assert bob_client.post(check_url(contact), {"body": "Hi"}).status_code == 404
    assert bob_client.post(log_url(contact), {"body": "Hi"}).status_code == 404
    assert bob_client.get(reverse("draft_template_update", args=[template.pk])).status_code == 404
    assert bob_client.post(reverse("draft_template_delete", args=[template.pk])).status_code == 404
    assert MessageTemplate.objects.filter(pk=template.pk).exists()
    assert followup.pk


def test_it_404s_for_another_users_followup_and_template(alice_client, bob, contact):
    bobs_contact = ContactFactory(owner=bob)
    bobs_followup = FollowUpFactory(owner=bob, contact=bobs_contact)
    bobs_template = MessageTemplateFactory(owner=bob)
    url = draft_url(contact)
    assert alice_client.get(url, {"followup": bobs_followup.pk}).status_code == 404
    assert alice_client.get(url, {"template": f"user:{bobs_template.pk}"}).status_code == 404
    assert alice_client.get(url, {"template": "no-such"}).status_code == 404
    assert alice_client.get(url, {"followup": "abc"}).status_code == 404
    response = alice_client.post(log_url(contact), {"body": "x", "followup": bobs_followup.pk})
    assert response.status_code == 404


def test_it_404s_for_a_followup_of_another_contact(alice_client, alice, contact):
    other = FollowUpFactory(owner=alice, contact=ContactFactory(owner=alice))
    assert alice_client.get(draft_url(contact), {"followup": other.pk}).status_code == 404


def test_it_preselects_the_article_share_from_a_followup(alice_client, alice, contact):
    resource = ResourceFactory(
        owner=alice,
        title="Cuffs at home",
        url="https://example.org/cuffs",
        topics=[contact.interests.get()],
    )
    followup = FollowUpFactory(
        owner=alice, contact=contact, kind=FollowUpKind.SHARE, resource=resource
    )
    response = alice_client.get(draft_url(contact), {"followup": followup.pk})
    form = response.context["form"]
    assert form.initial["purpose"] == Purpose.SHARE
    assert form.initial["value"] == Value.GIVE
    assert "I read “Cuffs at home” and thought of you" in form.initial["body"]
    assert "https://example.org/cuffs" in form.initial["body"]


def test_it_names_the_missing_fact_of_a_template(alice_client, contact):
    response = alice_client.get(draft_url(contact), {"template": "reconnect"})
    assert response.context["form"].initial["body"] == ""
    assert "needs their recent work or talk" in response.content.decode()


def test_the_htmx_check_returns_only_the_findings_fragment(
    alice_client, contact, django_assert_max_num_queries
):
    data = {
        "channel": Channel.EMAIL,
        "purpose": Purpose.OTHER,
        "body": "Our RCT on HFrEF went well.",
    }
    with django_assert_max_num_queries(12):
        response = alice_client.post(check_url(contact), data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card draft-findings"')
    assert "<html" not in body
    assert '<mark class="hl hl--jargon"' in body and ">RCT</mark>" in body
    assert "randomized controlled trial" in body
    assert "could be sent to anyone" in body


def test_the_check_clears_when_the_draft_is_fixed(alice_client, contact):
    data = {
        "channel": Channel.EMAIL,
        "purpose": Purpose.OTHER,
        "body": "Lovely to meet you in Lisbon; your remote monitoring work stuck with me.",
    }
    response = alice_client.post(check_url(contact), data, headers={"HX-Request": "true"})
    assert response.context["warning_count"] == 0
    assert "Looks good" in response.content.decode()


def test_the_check_works_without_javascript(alice_client, contact):
    data = {"channel": Channel.LINKEDIN, "purpose": Purpose.OTHER, "body": "The RCT went well."}
    response = alice_client.post(check_url(contact), data)
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert response.context["form"]["body"].value() == "The RCT went well."


def test_the_check_rejects_a_bad_channel(alice_client, contact):
    response = alice_client.post(
        check_url(contact), {"channel": "pigeon", "body": "Hi"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    assert "pigeon" in response.content.decode()


def test_it_logs_the_message_as_sent(alice_client, alice, contact):
    response = alice_client.post(
        log_url(contact),
        {
            "channel": Channel.EMAIL,
            "purpose": Purpose.SHARE,
            "subject": "A paper",
            "body": "Thought of you and Lisbon.",
            "value": Value.GIVE,
            "value_kind": "shared_article",
            "awaiting_reply": "",
        },
    )
    assert response.status_code == 302 and response["Location"] == contact.get_absolute_url()
    interaction = Interaction.objects.get()
    assert (interaction.owner, interaction.contact) == (alice, contact)
    assert interaction.direction == Direction.OUTBOUND
    assert (interaction.purpose, interaction.value, interaction.value_kind) == (
        Purpose.SHARE,
        Value.GIVE,
        "shared_article",
    )
    assert interaction.summary == "A paper\n\nThought of you and Lisbon."


def test_it_links_the_shared_article_when_logging_from_a_followup(alice_client, alice, contact):
    resource = ResourceFactory(owner=alice)
    followup = FollowUpFactory(
        owner=alice, contact=contact, kind=FollowUpKind.SHARE, resource=resource
    )
    alice_client.post(
        log_url(contact),
        {
            "channel": Channel.EMAIL,
            "purpose": Purpose.SHARE,
            "body": "For you.",
            "value": Value.GIVE,
            "followup": followup.pk,
        },
        headers={"HX-Request": "true"},
    )
    assert Interaction.objects.get().resource == resource


def test_it_refuses_to_log_patient_information_until_confirmed(alice_client, contact):
    data = {
        "channel": Channel.EMAIL,
        "purpose": Purpose.OTHER,
        "value": Value.NEUTRAL,
        "body": "About patient John Smith, MRN 1234567.",
    }
    response = alice_client.post(log_url(contact), data)
    assert response.status_code == 400
    assert "patient information" in response.content.decode()
    assert not Interaction.objects.exists()
    response = alice_client.post(log_url(contact), {**data, "phi_confirmed": "on"})
    assert response.status_code == 302
    assert Interaction.objects.count() == 1


@pytest.mark.parametrize(
    "change, field",
    [({"body": "  "}, "body"), ({"value": "bribe"}, "value"), ({"channel": "fax"}, "channel")],
)
def test_it_refuses_bad_input_to_log_and_writes_nothing(alice_client, contact, change, field):
    data = {
        "channel": Channel.EMAIL,
        "purpose": Purpose.OTHER,
        "value": Value.NEUTRAL,
        "body": "Hello",
        **change,
    }
    response = alice_client.post(log_url(contact), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Interaction.objects.exists()


def test_get_is_not_allowed_on_the_check_and_log_endpoints(alice_client, contact):
    assert alice_client.get(check_url(contact)).status_code == 405
    assert alice_client.get(log_url(contact)).status_code == 405


# --- the user's own templates -----------------------------------------------------------


def test_it_creates_edits_and_deletes_a_template(alice_client, alice):
    response = alice_client.post(
        reverse("draft_template_create"),
        {
            "name": "Short thanks",
            "purpose": Purpose.THANK_YOU,
            "subject": "Thanks, {first_name}",
            "body": "Thank you for {last_discussed}.",
        },
    )
    assert response.status_code == 302
    template = MessageTemplate.objects.get(owner=alice)
    assert template.subject == "Thanks, {first_name}"
    alice_client.post(
        reverse("draft_template_update", args=[template.pk]),
        {
            "name": "Renamed",
            "purpose": Purpose.THANK_YOU,
            "body": "Hi {first_name}",
        },
    )
    template.refresh_from_db()
    assert template.name == "Renamed"
    listing = alice_client.get(reverse("draft_template_list")).content.decode()
    assert "Renamed" in listing
    alice_client.post(reverse("draft_template_delete", args=[template.pk]))
    assert not MessageTemplate.objects.exists()


def test_it_refuses_a_template_with_an_unknown_placeholder(alice_client):
    response = alice_client.post(
        reverse("draft_template_create"),
        {
            "name": "Odd",
            "purpose": Purpose.OTHER,
            "body": "Hi {nickname}",
        },
    )
    assert response.status_code == 400
    assert "Unknown placeholder {nickname}" in response.content.decode()
    assert not MessageTemplate.objects.exists()


def test_it_lists_only_the_users_own_templates(alice_client, bob):
    MessageTemplateFactory(owner=bob, name="Bob's secret")
    assert "Bob's secret" not in alice_client.get(reverse("draft_template_list")).content.decode()


def test_a_user_template_fills_the_draft(alice_client, alice, contact):
    template = MessageTemplateFactory(owner=alice, body="Hi {first_name}, about {interest}.")
    response = alice_client.get(draft_url(contact), {"template": f"user:{template.pk}"})
    assert response.context["form"].initial["body"] == "Hi Amara, about remote patient monitoring."
