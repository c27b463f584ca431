from django import forms

from interactions.choices import Channel, Purpose, Value, ValueKind
from interactions.drafting.message_templates import PLACEHOLDERS, unknown_placeholders
from interactions.drafting.phi import phi_findings
from interactions.models import MessageTemplate

WRITTEN_CHANNELS = [(c.value, c.label) for c in Channel if c.value in Channel.written()]

# What a message of each purpose usually is on the give/ask ledger.
PURPOSE_VALUE = {
    Purpose.SHARE: (Value.GIVE, ValueKind.SHARED_ARTICLE),
    Purpose.INTRODUCTION: (Value.GIVE, ValueKind.INTRODUCTION),
    Purpose.CONGRATULATE: (Value.GIVE, ValueKind.CONGRATULATIONS),
    Purpose.REQUEST: (Value.ASK, ValueKind.OTHER),
}


class DraftForm(forms.Form):
    """The draft as the user is writing it: what the checks read."""

    channel = forms.ChoiceField(choices=WRITTEN_CHANNELS, initial=Channel.EMAIL)
    purpose = forms.ChoiceField(choices=Purpose.choices, initial=Purpose.OTHER)
    subject = forms.CharField(max_length=200, required=False)
    body = forms.CharField(
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "true"}),
    )
    followup = forms.IntegerField(required=False, widget=forms.HiddenInput)


class LogSentForm(DraftForm):
    """Recording the draft as sent: what it was worth, and a last patient-information
    check (overridable, because the check is a heuristic)."""

    value = forms.ChoiceField(label="This message is a", choices=Value.choices)
    value_kind = forms.ChoiceField(
        label="Kind", choices=[("", "—"), *ValueKind.choices], required=False
    )
    awaiting_reply = forms.BooleanField(label="I expect a reply", required=False)
    phi_confirmed = forms.BooleanField(
        label="I checked: there is no patient information in this message", required=False
    )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write the message before logging it as sent.")
        return body

    def clean(self):
        cleaned = super().clean()
        text = f"{cleaned.get('subject', '')}\n{cleaned.get('body', '')}"
        if phi_findings(text) and not cleaned.get("phi_confirmed"):
            self.add_error(
                "phi_confirmed",
                "This message looks like it carries patient information. Remove it, or "
                "confirm there is none.",
            )
        return cleaned


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["name", "purpose", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}
        help_texts = {
            "body": "Placeholders such as {first_name} or {interest} are filled from the "
            "contact's profile.",
        }

    def _check_placeholders(self, field: str) -> str:
        value = self.cleaned_data[field]
        unknown = unknown_placeholders(value)
        if unknown:
            known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
            raise forms.ValidationError(
                f"Unknown placeholder {', '.join('{' + u + '}' for u in unknown)}. "
                f"Use one of: {known}."
            )
        return value

    def clean_subject(self) -> str:
        return self._check_placeholders("subject")

    def clean_body(self) -> str:
        return self._check_placeholders("body")
