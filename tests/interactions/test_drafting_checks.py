"""The draft checks as plain functions: texts that should and should not trigger each."""

from datetime import UTC, date, datetime, timedelta

import nltk
import pytest

from contacts.models import Contact
from followups.models import Resource
from interactions.choices import Channel, Purpose
from interactions.drafting import (
    Facts,
    check_ask_before_give,
    check_boundaries,
    check_draft,
    check_generic,
    check_jargon,
    check_length,
    check_pacing,
    check_readability,
)
from interactions.drafting.checks import reading_grade
from interactions.drafting.text import mentions

TODAY = date(2026, 3, 10)


def make_facts(**overrides) -> Facts:
    contact_fields = {
        k: overrides.pop(k)
        for k in list(overrides)
        if k
        in {
            "preferred_channel",
            "do_not_contact",
            "availability_notes",
            "boundary_notes",
            "on_hold_until",
            "on_hold_reason",
            "specialty",
            "institution",
        }
    }
    contact = Contact(
        honorific="Dr.",
        first_name="Amara",
        last_name="Okafor",
        **{"specialty": "", "institution": "", **contact_fields},
    )
    defaults = {
        "contact": contact,
        "interests": ["remote patient monitoring"],
        "how_we_met": "Poster session at the Heart Rhythm Congress in Lisbon",
        "today": TODAY,
    }
    return Facts(**{**defaults, **overrides})


# --- generic ---------------------------------------------------------------------------


def test_it_flags_a_draft_that_mentions_nothing_personal():
    findings = check_generic("Hi, I would love to connect and learn more about you.", make_facts())
    assert [f.kind for f in findings] == ["generic"]
    assert findings[0].start is None
    assert "remote patient monitoring" in findings[0].suggestion


def test_it_accepts_a_shared_interest_in_other_words():
    text = "I enjoyed your thoughts on remote monitoring of heart patients."
    assert check_generic(text, make_facts()) == []


def test_it_accepts_the_place_you_met():
    assert (
        check_generic("Great to talk in Lisbon at the Heart Rhythm Congress!", make_facts()) == []
    )


def test_it_accepts_a_mutual_connection_by_last_name():
    facts = make_facts(interests=[], how_we_met="", mutual_connections=["Sam Reyes"])
    assert check_generic("Sam Reyes suggested I write to you.", facts) == []
    assert check_generic("Sam suggested I write to you.", facts)[0].kind == "generic"


def test_it_accepts_an_open_promise_and_the_article():
    facts = make_facts(
        interests=[],
        how_we_met="",
        open_promises=["Send the triage paper"],
        article=Resource(title="Wearable ECG patches after cardiac surgery"),
    )
    assert check_generic("Here is the triage paper I promised.", facts) == []
    assert check_generic("This piece on wearable ECG patches made me think of you.", facts) == []


def test_it_flags_stock_phrases_with_their_span():
    text = "I hope this email finds you well. Your remote patient monitoring work is great."
    findings = check_generic(text, make_facts())
    assert [f.kind for f in findings] == ["generic"]
    assert text[findings[0].start : findings[0].end] == "I hope this email finds you well"


def test_it_says_when_there_is_nothing_personal_to_mention():
    findings = check_generic("Hello there.", make_facts(interests=[], how_we_met=""))
    assert "no personal facts" in findings[0].message


def test_it_does_not_check_an_empty_draft():
    assert check_generic("   ", make_facts()) == []


@pytest.mark.parametrize(
    "fact, text, expected",
    [
        ("remote patient monitoring", "telehealth monitering for patients", True),
        (
            "AI for triage in the emergency department",
            "your machine learning work on ED triage",
            True,
        ),
        ("pediatric kidney disease", "renal care for children", True),
        ("remote patient monitoring", "patient satisfaction surveys", False),
        ("Cardiology Summit 2026", "the summit", False),
    ],
)
def test_it_matches_facts_by_meaning(fact, text, expected):
    assert mentions(fact, text) is expected


# --- length ----------------------------------------------------------------------------


def test_it_flags_a_linkedin_first_note_over_300_characters_from_the_limit_on():
    text = "word " * 70
    [finding] = check_length(text, channel=Channel.LINKEDIN, first_message=True)
    assert finding.kind == "length"
    assert (finding.start, finding.end) == (300, len(text))
    assert "300" in finding.message


def test_it_allows_a_short_linkedin_note():
    assert (
        check_length("Loved your talk in Lisbon.", channel=Channel.LINKEDIN, first_message=True)
        == []
    )


def test_it_is_stricter_for_a_first_email_than_a_later_one():
    text = " ".join(["word"] * 200)
    assert check_length(text, channel=Channel.EMAIL, first_message=True)[0].kind == "length"
    assert check_length(text, channel=Channel.EMAIL, first_message=False) == []


def test_it_starts_the_length_span_at_the_first_word_over_the_limit():
    text = " ".join(f"w{i}" for i in range(160))
    [finding] = check_length(text, channel=Channel.EMAIL, first_message=True)
    assert text[finding.start :].startswith("w150 ")


def test_it_has_no_length_limit_for_channels_that_are_not_written():
    assert check_length("word " * 1000, channel=Channel.CALL, first_message=True) == []


# --- jargon ----------------------------------------------------------------------------


def test_it_flags_jargon_with_a_plain_alternative_and_span():
    text = "Our RCT cut MI readmissions in patients with dyspnea."
    findings = check_jargon(text)
    assert [text[f.start : f.end] for f in findings] == ["RCT", "MI", "readmissions", "dyspnea"]
    assert findings[1].suggestion == "Say “myocardial infarction (heart attack)”."


def test_it_matches_abbreviations_by_case_only():
    assert check_jargon("Ed and I met; mi casa es su casa; the ed was closed") == []
    assert [f.kind for f in check_jargon("The ED was closed.")] == ["jargon"]


def test_it_matches_on_word_boundaries_and_plurals():
    assert check_jargon("Milestones, MIDI, premium, edits") == []
    text = "Two comorbidities and three RCTs."
    assert [text[f.start : f.end] for f in check_jargon(text)] == ["comorbidities", "RCTs"]


def test_it_prefers_the_longest_term():
    text = "A deep vein thrombosis, then a pulmonary embolism."
    assert [text[f.start : f.end] for f in check_jargon(text)] == [
        "deep vein thrombosis",
        "pulmonary embolism",
    ]


def test_it_finds_no_jargon_in_plain_words():
    assert check_jargon("Thank you for the chat about heart attacks and blood pressure.") == []


# --- readability -----------------------------------------------------------------------

HARD = (
    "Per our discussion, the preliminary efficacy endpoints for the investigational cohort "
    "demonstrate statistically significant attenuation of hospitalization, contingent upon "
    "individualized titration protocols and comprehensive comorbidity stratification across "
    "heterogeneous institutional populations."
)
PLAIN = (
    "Thank you for the talk in Lisbon. I liked how you showed the home checks with simple "
    "numbers. I found a short paper on the same idea and put the link below. It is a quick "
    "read, and I think you will like the part about older patients."
)


def test_it_flags_text_above_the_target_reading_level():
    [finding] = check_readability(HARD)
    assert finding.kind == "readability"
    assert "grade" in finding.message
    assert (finding.start, finding.end) == (0, len(HARD))  # the long sentence


def test_it_accepts_plain_text():
    assert 2 <= reading_grade(PLAIN) <= 12
    assert check_readability(PLAIN) == []


def test_it_skips_readability_on_short_texts():
    assert check_readability("Hypertension titration stratification.") == []


def test_it_never_downloads_anything(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("tried to download a corpus")

    monkeypatch.setattr(nltk, "download", refuse)
    reading_grade(HARD)
    check_draft(HARD + " " + PLAIN, channel=Channel.EMAIL)


# --- ask before give -------------------------------------------------------------------


def test_it_flags_a_request_when_asks_outnumber_gives():
    text = "Could you introduce me to your department chair?"
    [finding] = check_ask_before_give(text, make_facts(gives=0, asks=1))
    assert finding.kind == "ask_before_give"
    assert text[finding.start : finding.end].startswith("Could you introduce")
    assert "0 gives and 1 ask" in finding.message


def test_it_lets_a_request_through_after_enough_giving():
    text = "Could you introduce me to your department chair?"
    assert check_ask_before_give(text, make_facts(gives=2, asks=1)) == []


def test_it_does_not_mistake_an_offer_for_an_ask():
    for text in ("Would you like the slides?", "Would it help if I sent the paper?"):
        assert check_ask_before_give(text, make_facts(gives=0, asks=3)) == []


def test_it_treats_the_request_purpose_as_an_ask():
    [finding] = check_ask_before_give("A short note.", make_facts(), purpose=Purpose.REQUEST)
    assert finding.start is None


def test_it_suggests_the_article_to_give_first():
    facts = make_facts(article=Resource(title="Home BP study"))
    [finding] = check_ask_before_give("Would you mind reviewing my deck?", facts)
    assert "Home BP study" in finding.suggestion


# --- pacing and boundaries -------------------------------------------------------------


def test_it_warns_when_the_contact_is_on_hold():
    facts = make_facts(on_hold_until=TODAY + timedelta(days=3), on_hold_reason="on parental leave")
    [finding] = check_pacing(facts)
    assert finding.kind == "pacing" and "13 Mar 2026" in finding.message
    assert "parental leave" in finding.message


def test_it_does_not_warn_after_the_hold_ends():
    assert check_pacing(make_facts(on_hold_until=TODAY - timedelta(days=1))) == []


def test_it_warns_about_a_second_message_within_the_minimum_gap():
    last = datetime(2026, 3, 5, 12, tzinfo=UTC)
    [finding] = check_pacing(make_facts(last_outreach_at=last, min_outreach_gap_days=14))
    assert "5 days ago" in finding.message and "19 Mar" in finding.suggestion
    assert check_pacing(make_facts(last_outreach_at=last, min_outreach_gap_days=3)) == []


def test_it_warns_about_unanswered_messages():
    [finding] = check_pacing(make_facts(unanswered=2, unanswered_limit=2))
    assert "2 of your messages" in finding.message


def test_it_shows_the_availability_note_as_information():
    [finding] = check_pacing(make_facts(availability_notes="Clinic Mon–Wed"))
    assert finding.severity == "info" and "Clinic Mon–Wed" in finding.message


def test_it_flags_do_not_contact_and_the_wrong_channel():
    facts = make_facts(do_not_contact=True, preferred_channel=Channel.LINKEDIN)
    kinds = [(f.kind, f.message) for f in check_boundaries(facts, channel=Channel.EMAIL)]
    assert kinds[0][0] == "boundary" and "do-not-contact" in kinds[0][1]
    assert "prefer LinkedIn" in kinds[1][1]


def test_it_is_quiet_on_the_preferred_channel():
    facts = make_facts(preferred_channel=Channel.EMAIL)
    assert check_boundaries(facts, channel=Channel.EMAIL) == []


def test_it_shows_boundary_notes_as_information():
    [finding] = check_boundaries(make_facts(boundary_notes="No calls before 10"), channel=None)
    assert finding.severity == "info" and "No calls before 10" in finding.message


# --- check_draft -----------------------------------------------------------------------


def test_check_draft_returns_the_stable_shape_without_a_contact():
    findings = check_draft("The RCT showed a drop in MI.", channel=Channel.EMAIL)
    assert {f.kind for f in findings} == {"jargon"}
    for finding in findings:
        assert {"kind", "message", "start", "end", "suggestion"} <= set(vars(finding))


def test_check_draft_puts_patient_information_first():
    text = "The RCT enrolled patient John Smith, MRN 1234567."
    findings = check_draft(text, facts=make_facts())
    assert findings[0].kind == "phi"


def test_check_draft_on_a_clean_personal_message_is_empty():
    text = "Thank you for the chat in Lisbon about remote monitoring for heart patients."
    assert check_draft(text, channel=Channel.EMAIL, facts=make_facts(gives=1)) == []
