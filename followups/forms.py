"""Forms for the dashboard's row actions, commitments and resources. Every choice of an
owned object is limited to the requesting user's own rows."""

from datetime import date, timedelta

from django import forms

from contacts.models import Contact, Topic
from followups.models import Commitment, CommitmentStatus, FollowUp, Resource


def next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def snooze_choices(today: date) -> dict[str, date]:
    """The quick snooze buttons and the date each one means."""
    return {"tomorrow": today + timedelta(days=1), "next_week": next_monday(today)}


class RowForm(forms.Form):
    """The follow-ups of one dashboard row: one person, one or several reasons."""

    followup = forms.ModelMultipleChoiceField(queryset=FollowUp.objects.none())

    def __init__(self, *args, user, contact: Contact, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        # Only this person's follow-ups that are still on the list can be acted on.
        self.fields["followup"].queryset = (
            FollowUp.objects.for_user(user)
            .filter(contact=contact)
            .actionable(today)
            .select_related("contact", "resource", "commitment")
        )
        self.fields["followup"].error_messages["invalid_choice"] = (
            "That follow-up is already done, snoozed or dismissed."
        )

    def followups(self) -> list[FollowUp]:
        return sorted(self.cleaned_data["followup"], key=lambda f: (f.due_on, f.pk))


class DoneForm(RowForm):
    log = forms.BooleanField(label="Log the message I sent", required=False)
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": "What you wrote, in a few words"}),
    )


class SnoozeForm(RowForm):
    when = forms.ChoiceField(
        choices=[("tomorrow", "Tomorrow"), ("next_week", "Next week"), ("date", "On a date")],
        required=False,
    )
    until = forms.DateField(
        label="Snooze until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        when = cleaned.get("when") or ("date" if cleaned.get("until") else "")
        quick = snooze_choices(self.today)
        if when in quick:
            cleaned["until"] = quick[when]
        elif when == "date":
            until = cleaned.get("until")
            if until is None:
                self.add_error("until", "Choose the date to bring it back.")
            elif until <= self.today:
                self.add_error("until", "Choose a date after today.")
            elif until > self.today + timedelta(days=366):
                self.add_error("until", "Choose a date within a year.")
        else:
            self.add_error("until", "Choose when to bring it back.")
        return cleaned


class DismissForm(RowForm):
    pass


class OwnedChoicesMixin:
    """Limits the contact and topic pickers to the user's own."""

    def limit_choices(self, user) -> None:
        if "contact" in self.fields:
            self.fields["contact"].queryset = Contact.objects.for_user(user).active()
        if "topics" in self.fields:
            self.fields["topics"].queryset = Topic.objects.for_user(user)


class CommitmentForm(OwnedChoicesMixin, forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["contact", "direction", "description", "promised_on", "due_on"]
        widgets = {
            "promised_on": forms.DateInput(attrs={"type": "date"}),
            "due_on": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {"due_on": "Leave empty for a promise without a date."}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_choices(user)
        if self.instance.pk and self.instance.status != CommitmentStatus.OPEN:
            for field in ("direction", "promised_on", "due_on"):
                self.fields[field].disabled = True

    def clean(self):
        cleaned = super().clean()
        promised, due = cleaned.get("promised_on"), cleaned.get("due_on")
        if promised and due and due < promised:
            self.add_error("due_on", "The due date cannot be before the day it was promised.")
        return cleaned


class CommitmentCloseForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("kept", "Kept"), ("broken", "Broken")])


class ResourceForm(OwnedChoicesMixin, forms.ModelForm):
    new_topics = forms.CharField(
        label="New topics",
        required=False,
        max_length=400,
        help_text="Comma-separated, e.g. “heart failure, remote monitoring”.",
    )

    class Meta:
        model = Resource
        fields = ["kind", "title", "url", "summary", "topics"]
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "summary": "Why it is worth reading: it is shown next to the share suggestion.",
            "topics": "Contacts interested in these topics get it suggested.",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.limit_choices(user)

    def clean_new_topics(self) -> list[str]:
        names = [n.strip() for n in self.cleaned_data["new_topics"].split(",")]
        names = [n for n in names if n]
        for name in names:
            if len(name) > 80:
                raise forms.ValidationError(f"“{name[:20]}…” is longer than 80 characters.")
        return names
