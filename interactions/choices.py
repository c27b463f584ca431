"""Vocabularies shared by contacts, interactions and follow-ups."""

from django.db import models


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    LINKEDIN = "linkedin", "LinkedIn"
    CALL = "call", "Phone call"
    VIDEO = "video", "Video call"
    IN_PERSON = "in_person", "In-person meeting"
    CONFERENCE = "conference", "Conference encounter"
    MESSAGE = "message", "Text message"

    @classmethod
    def conversations(cls) -> list[str]:
        """Channels where you really talked: these start a thank-you."""
        return [cls.CALL, cls.VIDEO, cls.IN_PERSON, cls.CONFERENCE]

    @classmethod
    def written(cls) -> list[str]:
        return [cls.EMAIL, cls.LINKEDIN, cls.MESSAGE]


class Direction(models.TextChoices):
    OUTBOUND = "outbound", "I reached out"
    INBOUND = "inbound", "They reached out"
    MUTUAL = "mutual", "We talked"


class Value(models.TextChoices):
    GIVE = "give", "Give"
    ASK = "ask", "Ask"
    NEUTRAL = "neutral", "Neutral"


class ValueKind(models.TextChoices):
    SHARED_ARTICLE = "shared_article", "Shared an article"
    INTRODUCTION = "introduction", "Introduction"
    ADVICE = "advice", "Advice"
    HELP = "help", "Help"
    CONGRATULATIONS = "congratulations", "Congratulations"
    REFERRAL_REQUEST = "referral_request", "Referral request"
    FAVOR = "favor", "Favor"
    MEETING_REQUEST = "meeting_request", "Meeting request"
    OTHER = "other", "Other"


class Purpose(models.TextChoices):
    THANK_YOU = "thank_you", "Thank-you"
    SHARE = "share", "Share an article"
    CHECK_IN = "check_in", "Check-in"
    FOLLOW_UP = "follow_up", "Follow-up"
    INTRODUCTION = "introduction", "Introduction"
    REQUEST = "request", "Request"
    REPLY = "reply", "Reply"
    MEETING = "meeting", "Meeting"
    CONGRATULATE = "congratulate", "Congratulations"
    OTHER = "other", "Other"
