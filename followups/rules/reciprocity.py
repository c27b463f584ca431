"""Give and ask: per contact, what the user gave (articles, introductions, help) and
asked for (referrals, favors) over the last twelve months. Reads only."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from interactions.choices import Value
from interactions.models import Interaction

RECIPROCITY_DAYS = 365


@dataclass(frozen=True)
class GiveAskBalance:
    gives: int = 0
    asks: int = 0

    @property
    def net(self) -> int:
        return self.gives - self.asks

    @property
    def needs_give(self) -> bool:
        """Asks outnumber gives: give something before asking again."""
        return self.asks > self.gives

    @property
    def hint(self) -> str | None:
        if not self.needs_give:
            return None
        return (
            f"Give before you ask: in the last year you asked {self.asks} "
            f"time{'s' if self.asks != 1 else ''} and gave {self.gives}. "
            "Share an article, make an introduction or offer help first."
        )


def give_ask_balances(
    user, *, now: datetime | None = None, contact_ids=None
) -> dict[int, GiveAskBalance]:
    """{contact id: balance} for the user's contacts with any give or ask in the last
    twelve months (others are GiveAskBalance()). One query."""
    since = (now or timezone.now()) - timedelta(days=RECIPROCITY_DAYS)
    qs = Interaction.objects.for_user(user).filter(
        occurred_at__gte=since, value__in=[Value.GIVE, Value.ASK]
    )
    if contact_ids is not None:
        qs = qs.filter(contact_id__in=contact_ids)
    rows = qs.values("contact_id").annotate(
        gives=Count("pk", filter=Q(value=Value.GIVE)), asks=Count("pk", filter=Q(value=Value.ASK))
    )
    return {r["contact_id"]: GiveAskBalance(gives=r["gives"], asks=r["asks"]) for r in rows}


def give_ask_balance(contact, *, now: datetime | None = None) -> GiveAskBalance:
    """One contact's balance (for the contact page and the draft checker). One query."""
    balances = give_ask_balances(contact.owner, now=now, contact_ids=[contact.pk])
    return balances.get(contact.pk, GiveAskBalance())


def ask_warning(contact, *, now: datetime | None = None, pending_ask: bool = False) -> str | None:
    """The "give before you ask" hint for an ask to this contact, or None when gives
    keep up with asks. `pending_ask=True` counts an ask not logged yet (a draft)."""
    balance = give_ask_balance(contact, now=now)
    if pending_ask:
        balance = GiveAskBalance(gives=balance.gives, asks=balance.asks + 1)
    return balance.hint
