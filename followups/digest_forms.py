from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from followups.models import Preferences, iana_time_zones

HOUR_CHOICES = [(hour, f"{hour:02d}:00") for hour in range(24)]


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(iana_time_zones())]


class PreferencesForm(forms.ModelForm):
    """Every preference a user may change, in groups the page shows as cards."""

    GROUPS = [
        (
            "Daily email",
            "When your list arrives, and whether an empty day sends one.",
            ["digest_enabled", "digest_hour", "time_zone", "digest_send_empty"],
        ),
        (
            "Pacing and etiquette",
            "How Rapport keeps you from crowding busy people.",
            [
                "min_outreach_gap_days",
                "unanswered_limit",
                "thank_you_window_days",
                "reply_window_days",
                "nudge_grace_days",
                "share_suggestions_per_day",
            ],
        ),
        (
            "Keep-in-touch rhythm",
            "Days without a conversation before a check-in is suggested, by closeness.",
            ["cadence_close_days", "cadence_regular_days", "cadence_acquaintance_days"],
        ),
    ]

    digest_hour = forms.TypedChoiceField(
        label="Send it after", choices=HOUR_CHOICES, coerce=int, help_text="Your local time."
    )
    time_zone = forms.ChoiceField(
        label="Time zone", help_text="From the IANA database, e.g. America/Montreal."
    )

    class Meta:
        model = Preferences
        fields = [
            "digest_enabled",
            "digest_hour",
            "time_zone",
            "digest_send_empty",
            "min_outreach_gap_days",
            "unanswered_limit",
            "thank_you_window_days",
            "reply_window_days",
            "nudge_grace_days",
            "share_suggestions_per_day",
            "cadence_close_days",
            "cadence_regular_days",
            "cadence_acquaintance_days",
        ]
        labels = {
            "min_outreach_gap_days": "Days between two outreaches to one person",
            "unanswered_limit": "Pause after this many unanswered messages",
            "thank_you_window_days": "Days to send a thank-you after meeting",
            "reply_window_days": "Days to answer a message",
            "nudge_grace_days": "Days after a promise to you is due before a nudge",
            "share_suggestions_per_day": "Article suggestions per day",
            "cadence_close_days": "Close",
            "cadence_regular_days": "Regular",
            "cadence_acquaintance_days": "Acquaintance",
        }
        help_texts = {
            "min_outreach_gap_days": "",
            "unanswered_limit": "",
            "nudge_grace_days": "",
        }

    # Bounds a person could mean; the database only knows "not negative".
    BOUNDS = {
        "min_outreach_gap_days": (0, 365),
        "unanswered_limit": (1, 20),
        "thank_you_window_days": (0, 30),
        "reply_window_days": (0, 30),
        "nudge_grace_days": (0, 90),
        "share_suggestions_per_day": (0, 20),
        "cadence_close_days": (1, 3650),
        "cadence_regular_days": (1, 3650),
        "cadence_acquaintance_days": (1, 3650),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()
        for name, (low, high) in self.BOUNDS.items():
            field = self.fields[name]
            field.validators += [MinValueValidator(low), MaxValueValidator(high)]
            field.widget.attrs.update({"min": low, "max": high})

    def groups(self):
        for title, help_text, names in self.GROUPS:
            yield title, help_text, [self[name] for name in names]
