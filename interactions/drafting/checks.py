"""The draft checks: plain functions over the text and the contact's facts, each
returning a list of Findings. `check_draft` runs them all."""

import re
from dataclasses import dataclass
from datetime import timedelta

import textstat

from interactions.choices import Channel, Purpose
from interactions.drafting.facts import Facts
from interactions.drafting.findings import INFO, Finding
from interactions.drafting.lexicon import find_terms
from interactions.drafting.text import concepts, mentions, mentions_name, sentence_spans, word_spans

# --- generic ---------------------------------------------------------------------------

BOILERPLATE = [
    (r"i hope (this|my) (e-?mail|message|note) finds you well", "an opener everyone uses"),
    (r"i(?:'d| would) like to add you to my professional network", "LinkedIn's default note"),
    (r"i came across your profile", "says nothing about why them"),
    (r"(?:just )?(?:wanted to )?touch(?:ing)? base", "a filler phrase"),
    (r"to whom it may concern", "not addressed to a person"),
    (r"dear sir or madam", "not addressed to a person"),
]
_BOILERPLATE_RE = [(re.compile(p, re.IGNORECASE), why) for p, why in BOILERPLATE]


def mentioned_facts(text: str, facts: Facts) -> list:
    keys = concepts(text)
    return [
        fact
        for fact in facts.personal()
        if (
            mentions_name(fact.value, text)
            if fact.is_name
            else mentions(fact.value, text, text_keys=keys)
        )
    ]


def check_generic(text: str, facts: Facts) -> list[Finding]:
    """Flags a draft that mentions none of the personal facts, and stock phrases."""
    if not text.strip():
        return []
    findings = [
        Finding(
            "generic",
            f"“{match.group()}” is {why}.",
            match.start(),
            match.end(),
            "Open with something only this person would recognise.",
        )
        for regex, why in _BOILERPLATE_RE
        for match in regex.finditer(text)
    ]
    personal = facts.personal()
    name = facts.contact.first_name or facts.contact.display_name
    if not personal:
        findings.insert(
            0,
            Finding(
                "generic",
                f"You have no personal facts about {name} yet, so any draft will read as generic.",
                suggestion="Add their interests, recent work or how you met on their profile.",
            ),
        )
    elif not mentioned_facts(text, facts):
        examples = "; ".join(f"{f.label.lower()}: {f.value[:60]}" for f in personal[:3])
        findings.insert(
            0,
            Finding(
                "generic",
                f"This draft could be sent to anyone: it mentions nothing personal to {name}.",
                suggestion=f"Mention one of these — {examples}.",
            ),
        )
    return findings


# --- length ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    words: int | None = None
    chars: int | None = None
    why: str = ""


# (first message, later message) per written channel. LinkedIn connection notes are
# capped at 300 characters by LinkedIn itself; a first email to a busy clinician should
# be readable in under a minute.
LENGTH_LIMITS = {
    Channel.LINKEDIN: (
        Limit(chars=300, why="LinkedIn connection notes stop at 300 characters"),
        Limit(words=120, why="LinkedIn messages are read on phones"),
    ),
    Channel.EMAIL: (
        Limit(words=150, why="a first email should be readable in under a minute"),
        Limit(words=250, why="busy clinicians skim long emails"),
    ),
    Channel.MESSAGE: (
        Limit(words=60, why="text messages should fit on one screen"),
        Limit(words=60, why="text messages should fit on one screen"),
    ),
}


def check_length(text: str, *, channel: str | None, first_message: bool) -> list[Finding]:
    limits = LENGTH_LIMITS.get(channel)
    if limits is None:
        return []
    limit = limits[0] if first_message else limits[1]
    label = "first " if first_message else ""
    channel_label = Channel(channel).label
    if limit.chars is not None and len(text) > limit.chars:
        return [
            Finding(
                "length",
                f"{len(text)} characters: over the {limit.chars} for a {label}{channel_label} "
                f"message ({limit.why}).",
                limit.chars,
                len(text),
                f"Cut {len(text) - limit.chars} characters; keep one point and one question.",
            )
        ]
    spans = word_spans(text)
    if limit.words is not None and len(spans) > limit.words:
        return [
            Finding(
                "length",
                f"{len(spans)} words: over the {limit.words} for a {label}{channel_label} "
                f"message ({limit.why}).",
                spans[limit.words][0],
                len(text),
                f"Cut about {len(spans) - limit.words} words; keep one point and one question.",
            )
        ]
    return []


# --- jargon and readability ------------------------------------------------------------


def check_jargon(text: str) -> list[Finding]:
    return [
        Finding(
            "jargon",
            f"“{text[start:end]}” is medical jargon.",
            start,
            end,
            f"Say “{entry.plain}”.",
        )
        for start, end, entry in find_terms(text)
    ]


# School grade levels: above the top, sentences are too long or words too technical;
# below the bottom, the text reads as a string of fragments.
READABILITY_TARGET = (2.0, 12.0)
READABILITY_MIN_WORDS = 25
LONG_SENTENCE_WORDS = 25


def reading_grade(text: str) -> float:
    """Average of the Automated Readability Index and the Coleman–Liau index (both count
    letters, not syllables, so nothing is looked up or downloaded)."""
    return (textstat.automated_readability_index(text) + textstat.coleman_liau_index(text)) / 2


def check_readability(text: str) -> list[Finding]:
    if len(text.split()) < READABILITY_MIN_WORDS:
        return []
    low, high = READABILITY_TARGET
    grade = reading_grade(text)
    if grade > high:
        longest = max(sentence_spans(text), key=lambda s: len(text[s[0] : s[1]].split()))
        span = (
            longest
            if len(text[longest[0] : longest[1]].split()) > LONG_SENTENCE_WORDS
            else (None, None)
        )
        return [
            Finding(
                "readability",
                f"Reading level is about grade {grade:.0f}; aim for {low:.0f}–{high:.0f}.",
                *span,
                suggestion="Split long sentences and swap technical words for everyday ones.",
            )
        ]
    if grade < low:
        return [
            Finding(
                "readability",
                f"Reading level is about grade {grade:.0f}: it reads as fragments; aim for "
                f"{low:.0f}–{high:.0f}.",
                suggestion="Join some short sentences into full thoughts.",
            )
        ]
    return []


# --- ask before give -------------------------------------------------------------------

ASK_RE = re.compile(
    r"\b(?:could|can|would|will) you(?: please)?(?: be (?:willing|able|open) to)?"
    r"(?! like\b| want\b| be interested\b| find\b)\s+\w+"
    r"|\bwould you mind\b|\b(?:i|we) (?:was|were|am|are) (?:hoping|wondering) (?:you|if you)\b"
    r"|\b(?:a|one) (?:small |quick )?favou?r\b|\bintroduce me\b|\bput me in touch\b"
    r"|\bpick your brain\b|\brefer(?:ral)?s?\b(?! to the)"
    r"|\bdo you have (?:time|a few minutes|\d+ minutes)\b"
    r"|\blooking for (?:your )?(?:help|support|advice)\b",
    re.IGNORECASE,
)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def find_asks(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in ASK_RE.finditer(text)]


def check_ask_before_give(text: str, facts: Facts, *, purpose: str | None = None) -> list[Finding]:
    """A request to someone you have asked more of than given to in the last 12 months
    (counting this request)."""
    asks = find_asks(text)
    if not asks and purpose != Purpose.REQUEST:
        return []
    if facts.asks + 1 <= facts.gives:
        return []
    start, end = asks[0] if asks else (None, None)
    name = facts.contact.first_name or facts.contact.display_name
    balance = f"{_count(facts.gives, 'give')} and {_count(facts.asks, 'ask')}"
    offer = f"“{facts.article.title}”" if facts.article else "an article, an introduction or help"
    return [
        Finding(
            "ask_before_give",
            f"This asks {name} for something; in the last 12 months you have {balance} with them.",
            start,
            end,
            f"Give first: offer {offer}, and ask another time.",
        )
    ]


# --- pacing and boundaries -------------------------------------------------------------


def check_pacing(facts: Facts, *, now=None) -> list[Finding]:
    contact, today = facts.contact, facts.today
    findings = []
    if today is not None and contact.is_on_hold(today):
        reason = f" ({contact.on_hold_reason})" if contact.on_hold_reason else ""
        findings.append(
            Finding(
                "pacing",
                f"Outreach is on hold until {contact.on_hold_until:%-d %b %Y}{reason}.",
                suggestion="Save the draft for later.",
            )
        )
    if facts.unanswered >= facts.unanswered_limit:
        findings.append(
            Finding(
                "pacing",
                f"{facts.unanswered} of your messages are still unanswered.",
                suggestion="Wait for a reply before writing again.",
            )
        )
    elif facts.last_outreach_at is not None and today is not None:
        since = (today - facts.last_outreach_at.date()).days
        if since < facts.min_outreach_gap_days:
            next_on = facts.last_outreach_at.date() + timedelta(days=facts.min_outreach_gap_days)
            findings.append(
                Finding(
                    "pacing",
                    f"You reached out {_count(since, 'day')} ago; your minimum gap is "
                    f"{facts.min_outreach_gap_days} days.",
                    suggestion=f"Send it on or after {next_on:%-d %b}.",
                )
            )
    if contact.availability_notes:
        findings.append(
            Finding(
                "pacing",
                f"Availability: {contact.availability_notes}",
                suggestion="Time the message to when they can read it.",
                severity=INFO,
            )
        )
    return findings


def check_boundaries(facts: Facts, *, channel: str | None) -> list[Finding]:
    contact = facts.contact
    findings = []
    if contact.do_not_contact:
        findings.append(
            Finding(
                "boundary",
                f"{contact.display_name} is marked do-not-contact.",
                suggestion="Do not send this.",
            )
        )
    if channel and contact.preferred_channel and channel != contact.preferred_channel:
        preferred = contact.get_preferred_channel_display()
        findings.append(
            Finding(
                "boundary",
                f"They prefer {preferred}, not {Channel(channel).label}.",
                suggestion=f"Switch to {preferred}.",
            )
        )
    if contact.boundary_notes:
        findings.append(
            Finding(
                "boundary",
                f"Their boundaries: {contact.boundary_notes}",
                suggestion="Make sure the draft respects them.",
                severity=INFO,
            )
        )
    return findings
