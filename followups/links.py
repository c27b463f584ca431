"""Signed links for email: one-click Done / Snooze per follow-up, and one-click
unsubscribe. The signature names the user and the follow-up, so a link acts on that
follow-up only; action links expire, unsubscribe links do not (RFC 8058 asks that
they keep working)."""

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.urls import reverse

from followups.email import absolute_url

ACTION_SALT = "rapport.followups.email-action"
UNSUBSCRIBE_SALT = "rapport.followups.unsubscribe"
ACTION_MAX_AGE = timedelta(days=14)
ACTIONS = ("done", "snooze")


class LinkError(Exception):
    """The link cannot be used; `message` says why, in words for the person who
    clicked it."""

    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        self.message = message
        self.expired = expired


@dataclass(frozen=True)
class ActionClaim:
    user_id: int
    followup_id: int
    action: str


def action_token(*, user_id: int, followup_id: int, action: str) -> str:
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}")
    return signing.TimestampSigner(salt=ACTION_SALT).sign_object(
        {"u": user_id, "f": followup_id, "a": action}
    )


def read_action_token(token: str) -> ActionClaim:
    try:
        payload = signing.TimestampSigner(salt=ACTION_SALT).unsign_object(
            token, max_age=ACTION_MAX_AGE
        )
    except signing.SignatureExpired as exc:
        raise LinkError("This link has expired.", expired=True) from exc
    except (signing.BadSignature, ValueError) as exc:
        raise LinkError("This link is not valid: it may have been cut or changed.") from exc
    try:
        claim = ActionClaim(
            user_id=int(payload["u"]), followup_id=int(payload["f"]), action=payload["a"]
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise LinkError("This link is not valid: it may have been cut or changed.") from exc
    if claim.action not in ACTIONS:
        raise LinkError("This link is not valid: it may have been cut or changed.")
    return claim


def action_url(*, user_id: int, followup_id: int, action: str) -> str:
    token = action_token(user_id=user_id, followup_id=followup_id, action=action)
    return absolute_url(reverse("followup_email_action", args=[token]))


class ActionLinks:
    """action_url for many follow-ups (a digest has two links per follow-up): one
    signer and one reverse() for all, the token put in place of a marker. Tokens are
    URL-safe (base64url and ":"), so reverse() would not have quoted them either."""

    MARKER = "TOKEN"

    def __init__(self) -> None:
        self.signer = signing.TimestampSigner(salt=ACTION_SALT)
        url = absolute_url(reverse("followup_email_action", args=[self.MARKER]))
        self.before, self.after = url.split(self.MARKER)

    def url(self, *, user_id: int, followup_id: int, action: str) -> str:
        if action not in ACTIONS:
            raise ValueError(f"Unknown action {action!r}")
        token = self.signer.sign_object({"u": user_id, "f": followup_id, "a": action})
        return f"{self.before}{token}{self.after}"


def unsubscribe_token(*, user_id: int) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(user_id))


def read_unsubscribe_token(token: str) -> int:
    try:
        return int(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token))
    except (signing.BadSignature, ValueError) as exc:
        raise LinkError("This unsubscribe link is not valid: it may have been cut.") from exc


def unsubscribe_url(*, user_id: int) -> str:
    return absolute_url(reverse("digest_unsubscribe", args=[unsubscribe_token(user_id=user_id)]))
