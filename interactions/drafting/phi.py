"""Patient information (PHI) in free text: record numbers, dates of birth, named
patients, and diagnoses about an identifiable person. Such text must not be saved in
the CRM or sent to a contact.

For forms (the interaction log, notes):

    from interactions.drafting import phi_findings, validate_no_phi

    findings = phi_findings(text)   # [] when clean; else Findings with spans/messages
    summary = forms.CharField(validators=[validate_no_phi])  # hard stop

A form that lets the user override a false alarm checks `phi_findings` in `clean()`
and asks for a confirmation box instead (as the draft's "log as sent" form does).
The check is heuristic and errs towards asking: it is a seatbelt, not a guarantee."""

import re
from functools import lru_cache

from django.core.exceptions import ValidationError

from interactions.drafting.findings import Finding
from interactions.drafting.lexicon import condition_terms
from interactions.drafting.text import sentence_spans, words

KIND = "phi"
_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE = (
    rf"(?:\d{{1,2}}[/.\-]\d{{1,2}}[/.\-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|\d{{1,2}}\s+{_MONTHS}\s+\d{{4}}|{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}})"
)
MRN_RE = re.compile(
    r"\b(?:MRN|medical\s+record\s+(?:number|no\.?|\#)|(?:record|chart|hospital|NHS|health\s+card)"
    r"\s+(?:number|no\.?|\#)|patient\s+(?:id|number|no\.?))\s*(?:[:\#]|is|was)?\s*"
    r"[A-Z]{0,3}[\-\s]?\d[\d\-\s]{3,}\d\b",
    re.IGNORECASE,
)
DOB_RE = re.compile(
    rf"\b(?:DOB|D\.O\.B\.?|date\s+of\s+birth|birth\s*date|born(?:\s+on)?)\s*[:\-]?\s*{_DATE}",
    re.IGNORECASE,
)
_NAME = r"[A-Z][a-z’'\-]+(?:\s+[A-Z][a-z’'\-]+)?"
_INITIALS = r"[A-Z]\.\s?[A-Z]\.?"
PATIENT_NAME_RE = re.compile(
    rf"\b[Pp](?:atient|t\.?)\s*,?\s+(?:named\s+|called\s+)?(?:(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+)?"
    rf"(?P<name>{_NAME}|{_INITIALS})"
)
HONORIFIC_NAME_RE = re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+{_NAME}")
# Capitalised words that follow "patient" without being anyone's name.
NOT_NAMES = frozenset(
    words(
        """Safety Experience Care Portal Monitoring Advocacy Day Week Month Services Engagement
    Outcomes Centered Centred Education Access Journey Voice Voices Partners Partner Council
    Forum Summit Registry Reported Information Privacy Rights Navigation Navigator Flow
    Satisfaction Support Data Record Records The A An And Or Of In On At"""
    )
)
DIAGNOSIS_CUES = (
    r"diagnosed\s+with|diagnosis\s+of|dx\s+of|suffers?\s+from|suffering\s+from|positive\s+for"
    r"|presented\s+with|admitted\s+(?:with|for)|treated\s+for|living\s+with|relapse\s+of"
    r"|has\s+(?:stage|type|advanced|early|terminal|metastatic)"
)
COMMON_CONDITIONS = [
    *words(
        "cancer tumour tumor leukemia leukaemia lymphoma melanoma diabetes HIV AIDS hepatitis "
        "tuberculosis dementia Alzheimer's Alzheimer Parkinson's Parkinson depression "
        "schizophrenia bipolar epilepsy asthma autism anorexia bulimia psychosis overdose "
        "addiction stroke cirrhosis sepsis pneumonia COVID"
    ),
    "heart failure",
    "heart attack",
    "kidney failure",
]


@lru_cache(maxsize=1)
def _diagnosis_res() -> tuple[re.Pattern, re.Pattern]:
    """Cues and condition words (any case), and condition abbreviations (exact case, so
    “Ms. Alvarez” is not multiple sclerosis)."""
    words = sorted({*condition_terms("term"), *COMMON_CONDITIONS}, key=len, reverse=True)
    abbrs = sorted(condition_terms("abbr"), key=len, reverse=True)
    alternation = "|".join(re.escape(w) for w in words)
    return (
        re.compile(rf"\b(?:{DIAGNOSIS_CUES}|(?:{alternation}))(?!\w)", re.IGNORECASE),
        re.compile(rf"\b(?:{'|'.join(re.escape(a) for a in abbrs)})s?(?!\w)"),
    )


def _diagnosis_end(sentence: str) -> int | None:
    ends = [m.end() for regex in _diagnosis_res() for m in regex.finditer(sentence)]
    return max(ends) if ends else None


def _patient_names(text: str) -> list[re.Match]:
    return [
        m for m in PATIENT_NAME_RE.finditer(text) if m.group("name").split()[0] not in NOT_NAMES
    ]


def check_phi(text: str) -> list[Finding]:
    """Findings of kind "phi", with the span of each suspicious part of `text`."""
    findings: list[Finding] = []
    for match in MRN_RE.finditer(text):
        findings.append(
            Finding(
                KIND,
                "This looks like a medical record number.",
                match.start(),
                match.end(),
                "Remove record numbers: they identify a patient.",
            )
        )
    for match in DOB_RE.finditer(text):
        findings.append(
            Finding(
                KIND,
                "This looks like a date of birth.",
                match.start(),
                match.end(),
                "Remove dates of birth: with anything else they identify a patient.",
            )
        )
    named = _patient_names(text)
    covered: set[int] = set()
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        people = [m for m in named if start <= m.start() < end]
        people += list(HONORIFIC_NAME_RE.finditer(text, start, end))
        diagnosis_end = _diagnosis_end(sentence) if people else None
        if people and diagnosis_end is not None:
            first = min(p.start() for p in people)
            findings.append(
                Finding(
                    KIND,
                    "This seems to describe the health of an identifiable person.",
                    first,
                    max(start + diagnosis_end, max(p.end() for p in people)),
                    "Leave out names and diagnoses; describe the case in general terms.",
                )
            )
            covered.update(m.start() for m in people)
    for match in named:
        if match.start() not in covered:
            findings.append(
                Finding(
                    KIND,
                    "This seems to name a patient.",
                    match.start(),
                    match.end(),
                    "Refer to “a patient” without a name or initials.",
                )
            )
    findings.sort(key=lambda f: f.start)
    return findings


def phi_findings(text: str) -> list[Finding]:
    """The patient-information findings for `text` ([] when it looks clean); the helper
    interaction forms call before saving free text."""
    return check_phi(text or "")


def validate_no_phi(value: str) -> None:
    """A Django validator: refuses text that looks like it carries patient information."""
    findings = phi_findings(value)
    if findings:
        quoted = "; ".join(
            f"{f.message} (“{value[f.start : f.end]}”)" if f.has_span else f.message
            for f in findings
        )
        raise ValidationError(
            f"This looks like patient information: {quoted} Remove it before saving.",
            code="phi",
        )
