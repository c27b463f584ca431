"""Text matching that tolerates paraphrase: stems, a small synonym table and fuzzy
matching for typos, so "remote monitoring of heart patients" mentions the interest
"remote patient monitoring". Everything is local: no corpora are downloaded."""

import math
import re
from functools import lru_cache

from nltk.stem.snowball import SnowballStemmer
from rapidfuzz import fuzz, process

_stemmer = SnowballStemmer("english")


def words(text: str) -> list[str]:
    """A word list written as one string, for readable tables below."""
    return text.split()


WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")

STOPWORDS = frozenset(
    words(
        """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is
    it its itself just me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself
    yourselves also via per really much many one two well dear hi hello thanks thank best
    regards"""
    )
)

# Words too common in networking messages to make a message personal on their own.
GENERIC_WORDS = frozenset(
    _stemmer.stem(w)
    for w in words(
        """work working talk talked meet met meeting great good nice time new recent recently
    research study paper project conference event session day week year people team group
    idea ideas discuss discussed discussion chat coffee call email note hope look looking
    forward like love want interest interested interesting thing things way lot send share
        sent shared give promise promised get make take let know"""
    )
)

# Words that mean the same thing here. Multi-word phrases are rewritten first.
PHRASES = {
    "artificial intelligence": "ai",
    "machine learning": "ai",
    "deep learning": "ai",
    "blood pressure": "hypertension",
    "older adults": "elderly",
    "older people": "elderly",
    "emergency department": "emergency",
    "emergency room": "emergency",
    "primary care": "primarycare",
    "family medicine": "primarycare",
    "general practice": "primarycare",
    "mental health": "psychiatry",
}
SYNONYM_GROUPS = [
    "heart cardiac cardio cardiology cardiovascular coronary cardiologist",
    "kidney kidneys renal nephrology nephrologist",
    "lung lungs pulmonary respiratory pulmonology",
    "monitoring monitor tracking track surveillance",
    "remote tele telehealth telemedicine virtual home distance",
    "cancer oncology tumor tumour oncologic oncologist",
    "diabetes diabetic",
    "brain neuro neurology neurological neurologist",
    "child children pediatric paediatric paediatrics pediatrics kids",
    "elderly geriatric geriatrics aging ageing",
    "stroke cerebrovascular",
    "doctor physician clinician",
    "app application software digital",
    "psychiatry psychiatric psychological psychology",
    "surgery surgical operation operative",
    "imaging radiology scan scans",
    "skin dermatology",
    "pregnancy obstetric obstetrics maternal prenatal",
    "wearable wearables sensor sensors device devices",
    "nurse nurses nursing",
    "drug drugs medication medications medicine medicines pharmacology",
    "emergency ed er",
    "trial trials",
    "hypertension htn",
    "ai ml",
]


def stem(word: str) -> str:
    return _stemmer.stem(word.lower().strip("'’-"))


@lru_cache(maxsize=1)
def _synonym_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for group in SYNONYM_GROUPS:
        words = group.split()
        key = "~" + stem(words[0])
        for word in words:
            index.setdefault(stem(word), key)
    return index


def _rewrite_phrases(text: str) -> str:
    lowered = text.lower()
    for phrase, replacement in PHRASES.items():
        lowered = re.sub(rf"\b{re.escape(phrase)}\b", replacement, lowered)
    return lowered


def concepts(text: str, *, keep_generic: bool = True) -> list[str]:
    """Content words of `text` as comparable keys: synonyms share one key, other words
    are stemmed. Order kept, duplicates dropped."""
    index = _synonym_index()
    seen: dict[str, None] = {}
    for match in WORD_RE.finditer(_rewrite_phrases(text)):
        word = match.group().strip("'’-")
        if not word or word in STOPWORDS:
            continue
        key = index.get(stem(word), stem(word))
        if not keep_generic and key in GENERIC_WORDS:
            continue
        seen.setdefault(key, None)
    return list(seen)


def _present(key: str, text_keys: set[str], text_key_list: list[str]) -> bool:
    if key in text_keys:
        return True
    if key.startswith("~") or len(key) < 5:
        return False
    # Typos and variants the stemmer misses ("monitering", "cardiolgy").
    return process.extractOne(key, text_key_list, scorer=fuzz.ratio, score_cutoff=85) is not None


def mentions(fact: str, text: str, *, text_keys: list[str] | None = None) -> bool:
    """Whether `text` mentions `fact` in any wording. A short fact (a topic, an event
    name) needs most of its words; a long one (a paragraph about their recent work)
    needs two of its distinctive words."""
    fact_keys = concepts(fact, keep_generic=False)
    if not fact_keys:
        return False
    if _shares_proper_noun(fact, text):
        return True
    keys = text_keys if text_keys is not None else concepts(text)
    key_set = set(keys)
    found = sum(1 for key in fact_keys if _present(key, key_set, keys))
    if len(fact_keys) <= 2:
        return found == len(fact_keys)
    if len(fact_keys) <= 6:
        return found >= math.ceil(len(fact_keys) * 0.6)
    return found >= 2


def _shares_proper_noun(fact: str, text: str) -> bool:
    """A place or name (“Lisbon”, “ESC”) capitalised in both is a mention on its own."""
    names = {
        word
        for index, word in enumerate(re.findall(r"[A-Za-z][A-Za-z\-]+", fact))
        if index > 0 and word[0].isupper() and len(word) >= 3 and word.lower() not in STOPWORDS
    }
    return any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) for name in names)


def mentions_name(name: str, text: str) -> bool:
    """A person is mentioned by their last name or full name (a first name alone is
    too common to count)."""
    parts = [p for p in re.split(r"\s+", name.strip()) if p]
    if not parts:
        return False
    wanted = parts[-1] if len(parts) > 1 else parts[0]
    return re.search(rf"\b{re.escape(wanted)}\b", text, re.IGNORECASE) is not None


def word_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\S+", text)]


_ABBREVIATIONS = frozenset(words("mr mrs ms mx dr prof st vs pt no fig approx e.g i.e etc"))
_BOUNDARY_RE = re.compile(r"[.!?]+[\"'’”)]*\s+|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences as (start, end) spans, not split after “Mr.”, “Dr.”, “e.g.”."""
    spans, start = [], 0
    for boundary in _BOUNDARY_RE.finditer(text):
        before = text[start : boundary.start()].split()
        last_word = before[-1].lower().strip("(\"'“‘").rstrip(".") if before else ""
        is_initials = re.fullmatch(r"(?:[a-z]\.){0,2}[a-z]", last_word) is not None
        if "\n" not in boundary.group() and (last_word in _ABBREVIATIONS or is_initials):
            continue
        end = boundary.start() + len(boundary.group().rstrip())
        if text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = boundary.end()
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
