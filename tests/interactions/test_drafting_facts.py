"""Gathering the personal facts from the database, and filling templates from them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contacts.models import ConnectionKind
from followups.models import CommitmentStatus, FollowUpKind
from interactions.choices import Direction, Value
from interactions.drafting import check_draft, gather_facts, give_ask_counts
from interactions.drafting.message_templates import BUILT_IN_BY_KEY, from_model, render
from tests.factories import (
    CommitmentFactory,
    ConnectionFactory,
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    InteractionFactory,
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
        how_we_met="Poster session in Lisbon",
        met_at_event=EventFactory(owner=alice, name="Heart Rhythm Congress"),
        interests=[topic],
    )


def test_it_gathers_every_kind_of_fact(alice, contact):
    now = timezone.now()
    ConnectionFactory(
        owner=alice,
        from_contact=ContactFactory(owner=alice, first_name="Sam", last_name="Reyes"),
        to_contact=contact,
        kind=ConnectionKind.INTRODUCED_BY,
    )
    InteractionFactory(
        owner=alice, contact=contact, summary="Old chat", occurred_at=now - timedelta(days=30)
    )
    InteractionFactory(
        owner=alice, contact=contact, summary="Home BP cuffs", occurred_at=now - timedelta(days=2)
    )
    CommitmentFactory(owner=alice, contact=contact, description="Send the triage paper")
    CommitmentFactory(
        owner=alice,
        contact=contact,
        description="Kept one",
        status=CommitmentStatus.KEPT,
        completed_on=now.date(),
    )
    topic = contact.interests.get()
    resource = ResourceFactory(owner=alice, title="Cuffs at home", topics=[topic])
    FollowUpFactory(owner=alice, contact=contact, kind=FollowUpKind.SHARE, resource=resource)

    facts = gather_facts(contact, now=now)

    assert facts.interests == ["remote patient monitoring"]
    assert facts.met_at_event == "Heart Rhythm Congress"
    assert facts.mutual_connections == ["Sam Reyes"]
    assert facts.last_discussed == "Home BP cuffs"
    assert facts.open_promises == ["Send the triage paper"]
    assert facts.article == resource
    assert facts.article_reason == "it is about remote patient monitoring, which you care about"
    assert not facts.is_first_message
    labels = {f.label for f in facts.personal()}
    assert {
        "Shared interest",
        "How you met",
        "Met at",
        "Mutual connection",
        "Last discussed",
        "Open promise",
        "Article to share",
    } <= labels


def test_it_reads_facts_in_a_fixed_number_of_queries(alice, contact, django_assert_num_queries):
    for _ in range(5):
        InteractionFactory(owner=alice, contact=contact)
    contact = type(contact).objects.select_related("met_at_event").get(pk=contact.pk)
    with django_assert_num_queries(8):
        gather_facts(contact)


def test_it_counts_gives_and_asks_over_the_last_twelve_months(alice, contact):
    now = timezone.now()
    InteractionFactory(
        owner=alice, contact=contact, value=Value.GIVE, occurred_at=now - timedelta(days=400)
    )
    InteractionFactory(
        owner=alice, contact=contact, value=Value.ASK, occurred_at=now - timedelta(days=10)
    )
    InteractionFactory(
        owner=alice, contact=contact, value=Value.ASK, occurred_at=now - timedelta(days=5)
    )
    InteractionFactory(
        owner=alice, contact=contact, value=Value.GIVE, occurred_at=now - timedelta(days=3)
    )
    assert give_ask_counts(contact, now=now) == (1, 2)
    facts = gather_facts(contact, now=now)
    assert (facts.gives, facts.asks) == (1, 2)
    [finding] = [
        f
        for f in check_draft("Could you review my grant?", facts=facts)
        if f.kind == "ask_before_give"
    ]
    assert "1 give and 2 asks" in finding.message


def test_it_counts_unanswered_messages_since_the_last_two_way_contact(alice, contact):
    now = timezone.now()
    InteractionFactory(
        owner=alice,
        contact=contact,
        direction=Direction.MUTUAL,
        occurred_at=now - timedelta(days=60),
    )
    for days in (40, 20):
        InteractionFactory(
            owner=alice,
            contact=contact,
            direction=Direction.OUTBOUND,
            awaiting_reply=True,
            occurred_at=now - timedelta(days=days),
        )
    facts = gather_facts(contact, now=now)
    assert facts.unanswered == 2
    assert any("unanswered" in f.message for f in check_draft("Hello", facts=facts))


def test_check_draft_gathers_facts_from_the_contact(alice, contact):
    findings = check_draft("Hello, nice to meet you.", contact=contact, channel="email")
    assert [f.kind for f in findings] == ["generic"]
    assert check_draft("Lovely to meet you in Lisbon.", contact=contact, channel="email") == []


def test_it_fills_a_template_from_the_facts(alice, contact):
    rendered = render(BUILT_IN_BY_KEY["after_conference"], gather_facts(contact), user=alice)
    assert rendered.ok
    assert rendered.subject == "Good to meet you at Heart Rhythm Congress"
    assert "our talk about remote patient monitoring" in rendered.body
    assert "{" not in rendered.body


def test_it_names_the_missing_fact_instead_of_a_generic_message(alice, contact):
    rendered = render(BUILT_IN_BY_KEY["share"], gather_facts(contact), user=alice)
    assert not rendered.ok and rendered.body == ""
    assert rendered.missing[0] == "an article to share"


def test_it_reports_unknown_placeholders_in_user_templates(alice, contact):
    template = MessageTemplateFactory(owner=alice, body="Hi {first_name}, about {favourite_food}")
    rendered = render(from_model(template), gather_facts(contact), user=alice)
    assert rendered.missing == ["{favourite_food} (not a known placeholder)"]
