"""Message templates: built-in ones per purpose, and the user's own (MessageTemplate),
both written with {placeholders} filled from the contact's facts. A template whose
placeholders the facts cannot fill is not rendered: the result names what is missing,
because a template with the personal part left out is exactly the generic message the
draft helper exists to prevent."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from interactions.choices import Purpose
from interactions.drafting.facts import Facts

PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")


def _greeting(facts: Facts) -> str:
    c = facts.contact
    if c.honorific and c.last_name:
        return f"{c.honorific} {c.last_name}"
    return c.first_name or c.full_name or ""


def _first(values: list[str]) -> str:
    return values[0] if values else ""


def _clean(value: str) -> str:
    return value.strip().rstrip(".;,")


# name -> (what to add when it is missing, how to read it from the facts)
PLACEHOLDERS: dict[str, tuple[str, Callable[[Facts, object], str]]] = {
    "greeting_name": ("their name", lambda f, u: _greeting(f)),
    "first_name": ("their first name", lambda f, u: f.contact.first_name),
    "last_name": ("their last name", lambda f, u: f.contact.last_name),
    "name": ("their name", lambda f, u: f.contact.display_name),
    "my_name": (
        "your name (in your account)",
        lambda f, u: (u.get_full_name() or u.get_username()) if u else "",
    ),
    "interest": ("a shared interest", lambda f, u: _first(f.interests)),
    "interests": ("shared interests", lambda f, u: ", ".join(f.interests)),
    "research_interests": ("their research interests", lambda f, u: _clean(f.research_interests)),
    "recent_work": ("their recent work or talk", lambda f, u: _clean(f.recent_work)),
    "how_we_met": ("how you met", lambda f, u: _clean(f.how_we_met)),
    "event": ("the event where you met", lambda f, u: f.met_at_event),
    "mutual_connection": ("a mutual connection", lambda f, u: _first(f.mutual_connections)),
    "last_discussed": (
        "what you last discussed (log an interaction)",
        lambda f, u: _clean(f.last_discussed),
    ),
    "promise": ("an open promise", lambda f, u: _clean(_first(f.open_promises))),
    "article_title": ("an article to share", lambda f, u: f.article.title if f.article else ""),
    "article_url": ("the article's link", lambda f, u: f.article.url if f.article else ""),
    "article_reason": ("why the article fits them (shared topics)", lambda f, u: f.article_reason),
    "specialty": ("their specialty", lambda f, u: f.contact.specialty),
    "institution": ("their institution", lambda f, u: f.contact.institution),
}


@dataclass(frozen=True)
class Template:
    key: str
    name: str
    purpose: str
    subject: str
    body: str


@dataclass
class Rendered:
    template: Template
    subject: str = ""
    body: str = ""
    missing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing


BUILT_IN = [
    Template(
        "thank_you",
        "Thank-you after a meeting",
        Purpose.THANK_YOU,
        "Thank you for your time",
        "Dear {greeting_name},\n\nThank you for taking the time to talk with me. I have been "
        "thinking about what we discussed: {last_discussed}.\n\nIf there is anything I can "
        "send your way, just say so.\n\nBest regards,\n{my_name}",
    ),
    Template(
        "share",
        "Share an article",
        Purpose.SHARE,
        "{article_title}",
        "Dear {greeting_name},\n\nI read “{article_title}” and thought of you, as {article_reason}."
        "\n\n{article_url}\n\nNo need to reply. I hope it is useful.\n\nBest,\n{my_name}",
    ),
    Template(
        "reconnect",
        "Reconnecting",
        Purpose.CHECK_IN,
        "Catching up",
        "Dear {greeting_name},\n\nIt has been a while since we spoke. I saw your recent work "
        "({recent_work}) and wanted to say congratulations.\n\nHow are things going on your "
        "side? I would be glad to hear what you are working on next.\n\nBest,\n{my_name}",
    ),
    Template(
        "introduction",
        "Introduction through a mutual connection",
        Purpose.INTRODUCTION,
        "{mutual_connection} suggested I write",
        "Dear {greeting_name},\n\n{mutual_connection} suggested I get in touch, knowing your "
        "interest in {interest}. I work on the same problem from another side and would value "
        "your view.\n\nIf it helps, I am happy to share what we have learned so far.\n\nBest,\n"
        "{my_name}",
    ),
    Template(
        "after_conference",
        "First message after a conference",
        Purpose.FOLLOW_UP,
        "Good to meet you at {event}",
        "Dear {greeting_name},\n\nIt was good to meet you at {event}. I enjoyed our talk about "
        "{interest}.\n\nI would like to stay in touch. If I come across anything useful on "
        "{interest}, I will send it your way.\n\nBest,\n{my_name}",
    ),
    Template(
        "request",
        "A request",
        Purpose.REQUEST,
        "A question about {interest}",
        "Dear {greeting_name},\n\nI have a question that I think you are the right person "
        "for, given your work on {interest}.\n\n[Your question, in one or two sentences.]\n\n"
        "Would you have 15 minutes in the coming weeks? I am happy to work around your "
        "schedule.\n\nBest,\n{my_name}",
    ),
]
BUILT_IN_BY_KEY = {t.key: t for t in BUILT_IN}

# Which built-in template a follow-up of each kind starts from.
FOLLOWUP_TEMPLATE = {
    "thank_you": "thank_you",
    "share": "share",
    "check_in": "reconnect",
    "commitment": "reconnect",
    "intro_check": "reconnect",
    "reply": "reconnect",
    "nudge": "reconnect",
}


def placeholders_in(text: str) -> list[str]:
    return list(dict.fromkeys(PLACEHOLDER_RE.findall(text)))


def unknown_placeholders(text: str) -> list[str]:
    return [name for name in placeholders_in(text) if name not in PLACEHOLDERS]


def render(template: Template, facts: Facts, *, user=None) -> Rendered:
    """Fill the template's placeholders; on any missing fact, render nothing and list
    what to add. Unknown placeholders are reported the same way."""
    values, missing = {}, []
    for name in placeholders_in(template.subject + "\n" + template.body):
        if name not in PLACEHOLDERS:
            missing.append(f"{{{name}}} (not a known placeholder)")
            continue
        label, read = PLACEHOLDERS[name]
        value = read(facts, user)
        if value:
            values[name] = value
        elif label not in missing:
            missing.append(label)
    if missing:
        return Rendered(template, missing=missing)

    def fill(text: str) -> str:
        return PLACEHOLDER_RE.sub(lambda m: values[m.group(1)], text)

    return Rendered(template, fill(template.subject), fill(template.body))


def from_model(message_template) -> Template:
    return Template(
        f"user:{message_template.pk}",
        message_template.name,
        message_template.purpose,
        message_template.subject,
        message_template.body,
    )
