"""Forms for the contacts pages. Every choice of another object is limited to the
requesting user's own rows, so a foreign id is simply not a valid choice."""

from datetime import timedelta

from django import forms
from django.db import models

from contacts.models import Contact, Tier, Topic
from contacts.selectors import SORTS, ContactFilters, contacts_for_choice
from contacts.services import (
    JOINABLE_FIELDS,
    PROFILE_FIELDS,
    default_merge_choice,
    merge_candidates,
)
from interactions.choices import Channel
from interactions.models import Event


def split_topics(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


class ContactForm(forms.ModelForm):
    interests_text = forms.CharField(
        label="Interests",
        required=False,
        max_length=1000,
        help_text="Topics they care about, separated by commas: “sepsis, medical education”.",
    )

    class Meta:
        model = Contact
        fields = PROFILE_FIELDS
        widgets = {
            "how_we_met": forms.Textarea(attrs={"rows": 2}),
            "research_interests": forms.Textarea(attrs={"rows": 2}),
            "recent_work": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "boundary_notes": forms.Textarea(attrs={"rows": 2}),
            "confidential_notes": forms.Textarea(attrs={"rows": 2}),
            "cadence_days": forms.NumberInput(attrs={"min": 1, "max": 3650}),
        }
        help_texts = {
            "how_we_met": "Where and how you met; it makes the first line of a message.",
            "boundary_notes": "What not to do: topics to avoid, hours not to call.",
            "do_not_contact": "They asked not to be contacted; no reminders will suggest it.",
        }

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.instance.owner = owner
        self.fields["met_at_event"].queryset = Event.objects.for_user(owner).order_by(
            "-starts_on", "name"
        )
        self.fields["met_at_event"].label = "Met at event"
        self.fields["cadence_days"].label = "Keep-in-touch cadence (days)"
        self.fields["preferred_channel"].label = "Preferred channel"
        if self.instance.pk and not self.is_bound:
            self.initial["interests_text"] = ", ".join(
                topic.name for topic in self.instance.interests.all()
            )

    def clean_cadence_days(self):
        value = self.cleaned_data.get("cadence_days")
        if value is not None and not 1 <= value <= 3650:
            raise forms.ValidationError("Between 1 and 3650 days, or empty for the tier default.")
        return value

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in ("first_name", "last_name", "email")):
            raise forms.ValidationError("Give at least a first name, a last name or an email.")
        return cleaned

    @property
    def interest_names(self) -> list[str]:
        return split_topics(self.cleaned_data.get("interests_text", ""))

    def profile_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in PROFILE_FIELDS}


FIELDSETS = [
    (
        "Who they are",
        [
            "honorific",
            "first_name",
            "middle_name",
            "last_name",
            "credentials",
            "title",
            "specialty",
            "institution",
            "city",
            "country",
        ],
    ),
    (
        "What makes a message personal",
        [
            "interests_text",
            "research_interests",
            "recent_work",
            "how_we_met",
            "met_at_event",
            "notes",
        ],
    ),
    (
        "Reaching them",
        [
            "email",
            "phone",
            "linkedin_url",
            "website",
            "preferred_channel",
            "availability_notes",
            "assistant",
            "boundary_notes",
            "do_not_contact",
        ],
    ),
    ("Keeping in touch", ["tier", "cadence_days"]),
    ("Confidential", ["confidential_notes"]),
]


class ContactFilterForm(forms.Form):
    """The list's search, filters and sort; read from the query string."""

    q = forms.CharField(label="Search", required=False, max_length=200)
    stale = forms.BooleanField(label="Going stale", required=False)
    on_hold = forms.BooleanField(label="On hold", required=False)
    tier = forms.ChoiceField(
        label="Tier", required=False, choices=[("", "Any tier"), *Tier.choices]
    )
    topic = forms.ModelChoiceField(
        label="Topic", required=False, queryset=Topic.objects.none(), empty_label="Any topic"
    )
    event = forms.ModelChoiceField(
        label="Event", required=False, queryset=Event.objects.none(), empty_label="Any event"
    )
    archived = forms.BooleanField(label="Archived", required=False)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[(key, label) for key, (label, _) in SORTS.items()],
    )

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = Topic.objects.for_user(owner).order_by("name")
        self.fields["event"].queryset = Event.objects.for_user(owner).order_by("-starts_on")

    def filters(self) -> ContactFilters:
        """The filters to apply; an invalid part (a foreign topic id …) is ignored
        rather than failing the whole list."""
        self.is_valid()
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and value not in (None, "")
        }
        if "q" in data:
            data["q"] = data["q"].strip()
        return ContactFilters(**data)


class BulkAction(models.TextChoices):
    TAG = "tag", "Add a tag"
    CADENCE = "cadence", "Set the cadence"
    TIER = "tier", "Set the tier"
    ARCHIVE = "archive", "Archive"
    EXPORT = "export", "Export as CSV"


class BulkForm(forms.Form):
    action = forms.ChoiceField(label="With the selected", choices=BulkAction.choices)
    tag = forms.CharField(label="Tag", required=False, max_length=80)
    cadence_days = forms.IntegerField(
        label="Cadence (days)", required=False, min_value=1, max_value=3650
    )
    tier = forms.ChoiceField(
        label="Tier", required=False, choices=[("", "Choose a tier"), *Tier.choices]
    )

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == BulkAction.TAG and not cleaned.get("tag", "").strip():
            self.add_error("tag", "Give the tag a name.")
        if action == BulkAction.CADENCE and not cleaned.get("cadence_days"):
            self.add_error("cadence_days", "Give a cadence in days.")
        if action == BulkAction.TIER and not cleaned.get("tier"):
            self.add_error("tier", "Choose a tier.")
        return cleaned


class IntroduceForm(forms.Form):
    other = forms.ModelChoiceField(
        label="Introduce them to", queryset=Contact.objects.none(), empty_label="Choose a contact"
    )
    occurred_on = forms.DateField(
        label="Introduced on", widget=forms.DateInput(attrs={"type": "date"})
    )
    channel = forms.ChoiceField(label="How", choices=Channel.choices, initial=Channel.EMAIL)
    note = forms.CharField(
        label="Why they should meet",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Saved on both timelines and on the connection.",
    )
    check_after_days = forms.IntegerField(
        label="Ask how it went after (days)", min_value=1, max_value=180, initial=14
    )

    def __init__(self, *args, contact: Contact, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.contact = contact
        self.today = today
        self.fields["other"].queryset = contacts_for_choice(contact.owner, exclude=contact).filter(
            do_not_contact=False
        )
        self.fields["occurred_on"].initial = today

    def clean_occurred_on(self):
        value = self.cleaned_data["occurred_on"]
        if value > self.today:
            raise forms.ValidationError("An introduction you made cannot be in the future.")
        return value

    def check_on(self):
        return self.cleaned_data["occurred_on"] + timedelta(
            days=self.cleaned_data["check_after_days"]
        )


class MergePickForm(forms.Form):
    other = forms.ModelChoiceField(
        label="The duplicate", queryset=Contact.objects.none(), empty_label="Choose a contact"
    )

    def __init__(self, *args, contact: Contact, **kwargs):
        super().__init__(*args, **kwargs)
        # Archived duplicates may be merged too: they are often the old record.
        self.fields["other"].queryset = (
            Contact.objects.for_user(contact.owner)
            .exclude(pk=contact.pk)
            .order_by("last_name", "first_name", "id")
        )


def _display(contact: Contact, name: str) -> str:
    value = getattr(contact, name)
    if value in ("", None):
        return ""
    if name == "do_not_contact":
        return "Yes" if value else "No"
    display = getattr(contact, f"get_{name}_display", None)
    return str(display() if display else value)


class MergeForm(forms.Form):
    """One radio group per field on which the two contacts differ."""

    def __init__(self, *args, kept: Contact, other: Contact, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept, self.other = kept, other
        self.rows = []
        for name in _differing(kept, other):
            label = Contact._meta.get_field(name).verbose_name
            kept_text, other_text = _display(kept, name), _display(other, name)
            choices = [
                ("kept", kept_text or "(empty)"),
                ("other", other_text or "(empty)"),
            ]
            if name in JOINABLE_FIELDS and kept_text and other_text:
                choices.append(("both", "Keep both"))
            self.fields[name] = forms.ChoiceField(
                label=label[:1].upper() + label[1:],
                choices=choices,
                widget=forms.RadioSelect,
                initial=default_merge_choice(kept, other, name),
            )
            self.rows.append(name)

    def choices(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.rows}


def _differing(kept: Contact, other: Contact) -> list[str]:
    return merge_candidates(kept, other)
