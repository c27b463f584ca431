import csv
from pathlib import Path

import pytest

from interactions.drafting.lexicon import LEXICON_PATH, find_terms, load_lexicon


def test_it_loads_at_least_200_entries_each_with_a_plain_alternative():
    entries = load_lexicon()
    assert len(entries) >= 200
    for entry in entries:
        assert entry.plain.strip(), entry.term
        assert entry.plain.lower() != entry.term.lower(), entry.term
        assert entry.kind in {"abbr", "term"}


def test_it_includes_abbreviations_in_capitals():
    abbreviations = [e for e in load_lexicon() if e.kind == "abbr"]
    assert len(abbreviations) >= 50
    assert all(any(ch.isupper() for ch in e.term) for e in abbreviations)


def test_it_has_no_duplicate_terms():
    terms = [e.term for e in load_lexicon()]
    assert len(terms) == len(set(terms))


def test_every_entry_matches_itself_in_a_sentence():
    for entry in load_lexicon():
        text = f"We discussed {entry.term} today."
        hits = find_terms(text)
        assert hits and text[hits[0][0] : hits[0][1]] == entry.term, entry.term


def test_it_refuses_an_entry_without_a_plain_alternative(tmp_path: Path):
    broken = tmp_path / "jargon.csv"
    with broken.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["term", "plain", "kind", "category"])
        writer.writerow(["dyspnea", "", "term", "condition"])
    with pytest.raises(ValueError, match="line 2"):
        load_lexicon(broken)


def test_the_data_file_lives_in_the_package():
    assert LEXICON_PATH.name == "jargon.csv" and LEXICON_PATH.exists()
