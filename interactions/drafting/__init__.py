"""The draft helper: checks a message to a contact before it is sent.

Stable interface (see DESIGN.md):

    check_draft(text, *, contact=None, channel=None) -> list[Finding]

Each Finding has `kind` ("generic", "length", "jargon", "readability",
"ask_before_give", "pacing", "boundary", "phi"), `message`, `start`/`end` (the span in
`text`, or None) and `suggestion`, plus `severity` ("warning" or "info").

For forms that save free text, `phi_findings(text)` returns the patient-information
findings alone and `validate_no_phi` is a Django validator (see phi.py).
Everything runs locally: no network calls, no downloaded corpora."""

from interactions.drafting.checks import (
    check_ask_before_give,
    check_boundaries,
    check_generic,
    check_jargon,
    check_length,
    check_pacing,
    check_readability,
    mentioned_facts,
)
from interactions.drafting.facts import Facts, gather_facts, give_ask_counts
from interactions.drafting.findings import Finding
from interactions.drafting.phi import check_phi, phi_findings, validate_no_phi

__all__ = [
    "Facts",
    "Finding",
    "check_ask_before_give",
    "check_boundaries",
    "check_draft",
    "check_generic",
    "check_jargon",
    "check_length",
    "check_pacing",
    "check_phi",
    "check_readability",
    "gather_facts",
    "give_ask_counts",
    "mentioned_facts",
    "phi_findings",
    "validate_no_phi",
]

_ORDER = [
    "phi",
    "boundary",
    "pacing",
    "generic",
    "ask_before_give",
    "length",
    "jargon",
    "readability",
]


def check_draft(
    text: str,
    *,
    contact=None,
    channel: str | None = None,
    purpose: str | None = None,
    facts: Facts | None = None,
) -> list[Finding]:
    """All findings for a draft, most serious kinds first, then in text order. With a
    contact (or its precomputed `facts`), the personal, pacing and boundary checks run
    too; `purpose` "request" counts as an ask even without a request phrase."""
    text = text or ""
    findings = check_phi(text) + check_jargon(text) + check_readability(text)
    if facts is None and contact is not None:
        facts = gather_facts(contact)
    if facts is not None:
        findings += check_boundaries(facts, channel=channel)
        findings += check_pacing(facts)
        findings += check_generic(text, facts)
        if text.strip():
            findings += check_ask_before_give(text, facts, purpose=purpose)
        findings += check_length(text, channel=channel, first_message=facts.is_first_message)
    else:
        findings += check_length(text, channel=channel, first_message=False)
    rank = {kind: i for i, kind in enumerate(_ORDER)}
    return sorted(
        findings,
        key=lambda f: (
            f.severity != "warning",
            rank.get(f.kind, 99),
            f.start if f.start is not None else -1,
        ),
    )
