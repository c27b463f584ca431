"""Turning findings into something a page can show: the draft split into plain and
highlighted segments, and labels for each kind."""

from dataclasses import dataclass
from urllib.parse import quote

from interactions.drafting.findings import Finding

KIND_LABELS = {
    "phi": "Patient information",
    "boundary": "Boundary",
    "pacing": "Pacing",
    "generic": "Generic",
    "ask_before_give": "Ask before give",
    "length": "Length",
    "jargon": "Jargon",
    "readability": "Readability",
}


@dataclass(frozen=True)
class Segment:
    text: str
    finding: Finding | None = None


def segments(text: str, findings: list[Finding]) -> list[Segment]:
    """`text` cut at the findings' spans; where spans overlap the earlier one wins."""
    spans = sorted(
        (f for f in findings if f.has_span and 0 <= f.start < f.end <= len(text)),
        key=lambda f: (f.start, -(f.end - f.start)),
    )
    result, position = [], 0
    for finding in spans:
        if finding.start < position:
            continue
        if finding.start > position:
            result.append(Segment(text[position : finding.start]))
        result.append(Segment(text[finding.start : finding.end], finding))
        position = finding.end
    if position < len(text):
        result.append(Segment(text[position:]))
    return result


def mailto(email: str, subject: str, body: str) -> str:
    if not email:
        return ""
    query = f"subject={quote(subject, safe='')}&body={quote(body, safe='')}"
    return f"mailto:{quote(email, safe='@')}?{query}"
