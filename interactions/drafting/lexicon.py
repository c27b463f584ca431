"""The medical-jargon lexicon: jargon.csv beside this file (term, plain, kind, category).

kind "abbr" entries match case-sensitively (“MI” but not “mi”, “ED” but not “Ed”),
optionally with a plural “s” (“RCTs”); kind "term" entries match case-insensitively,
on word boundaries, with simple plurals (“comorbidities”)."""

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEXICON_PATH = Path(__file__).with_name("jargon.csv")
KINDS = ("abbr", "term")


@dataclass(frozen=True)
class Entry:
    term: str
    plain: str
    kind: str
    category: str


def load_lexicon(path: Path = LEXICON_PATH) -> list[Entry]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    entries = []
    for number, row in enumerate(rows, start=2):
        term, plain = (row.get("term") or "").strip(), (row.get("plain") or "").strip()
        kind = (row.get("kind") or "").strip()
        if not term or not plain or kind not in KINDS:
            raise ValueError(
                f"{path.name} line {number}: needs a term, a plain alternative and a kind"
            )
        entries.append(Entry(term, plain, kind, (row.get("category") or "general").strip()))
    return entries


def _pattern(term: str, *, abbreviation: bool) -> str:
    if abbreviation:
        return re.escape(term) + "s?"
    words = [re.escape(w) for w in re.split(r"[\s\-]+", term)]
    body = r"[\s\-]+".join(words)
    if term[-1].lower() == "y":
        return body[:-1] + r"(?:y|ies)"
    return body + r"(?:s|es)?"


@lru_cache(maxsize=1)
def compiled() -> tuple[re.Pattern, re.Pattern, dict[str, Entry], dict[str, Entry]]:
    """Two alternations, longest first so “heart failure with …” beats “heart failure”."""
    entries = load_lexicon()
    abbrs = {e.term: e for e in entries if e.kind == "abbr"}
    terms = {e.term.lower(): e for e in entries if e.kind == "term"}

    def alternation(keys, abbreviation):
        ordered = sorted(keys, key=len, reverse=True)
        return "|".join(_pattern(k, abbreviation=abbreviation) for k in ordered)

    boundary_left, boundary_right = r"(?<!\w)", r"(?!\w)"
    abbr_re = re.compile(f"{boundary_left}(?:{alternation(abbrs, True)}){boundary_right}")
    term_re = re.compile(
        f"{boundary_left}(?:{alternation(terms, False)}){boundary_right}", re.IGNORECASE
    )
    return abbr_re, term_re, abbrs, terms


def lookup(matched: str) -> Entry | None:
    _, _, abbrs, terms = compiled()
    if matched in abbrs:
        return abbrs[matched]
    if matched.endswith("s") and matched[:-1] in abbrs:
        return abbrs[matched[:-1]]
    key = re.sub(r"[\s\-]+", " ", matched.lower())
    for candidate in (key, key[:-1], key[:-2], key[:-3] + "y"):
        for term, entry in terms.items():
            if re.sub(r"[\s\-]+", " ", term) == candidate:
                return entry
    return None


def find_terms(text: str) -> list[tuple[int, int, Entry]]:
    """Non-overlapping lexicon hits, in text order; on overlap the longer hit wins."""
    abbr_re, term_re, _, _ = compiled()
    hits = []
    for regex in (term_re, abbr_re):
        for match in regex.finditer(text):
            entry = lookup(match.group())
            if entry is not None:
                hits.append((match.start(), match.end(), entry))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    kept: list[tuple[int, int, Entry]] = []
    for hit in hits:
        if kept and hit[0] < kept[-1][1]:
            continue
        kept.append(hit)
    return kept


@lru_cache(maxsize=1)
def condition_terms(kind: str) -> tuple[str, ...]:
    """Lexicon entries of `kind` that name a condition, for the patient-information check."""
    return tuple(e.term for e in load_lexicon() if e.category == "condition" and e.kind == kind)
