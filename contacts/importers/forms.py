from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

from contacts.importers.columns import FIELDS, IDENTITY_FIELDS
from interactions.models import Event


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Attendee list",
        help_text="CSV, XLSX or vCard, as exported from Eventbrite, Cvent, Whova, Zoom, "
        "Swapcard, Meetup or LinkedIn.",
    )
    event = forms.ModelChoiceField(
        queryset=Event.objects.none(), required=False, empty_label="— no event —"
    )
    new_event = forms.CharField(
        label="…or a new event", max_length=200, required=False, help_text="Created if new."
    )

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = Event.objects.for_user(owner).order_by("name")
        self.fields["file"].widget.attrs["accept"] = ".csv,.tsv,.txt,.xlsx,.vcf,.vcard"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size / 1048576:.1f} MB; the limit is "
                f"{limit / 1048576:.1f} MB. Split it or remove columns you do not need."
            )
        return upload

    def clean(self):
        data = super().clean()
        if data.get("event") and data.get("new_event"):
            raise forms.ValidationError("Choose an event or name a new one, not both.")
        return data


class AdminImportUploadForm(ImportUploadForm):
    owner = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        help_text="Whose network the attendees join.",
    )
    field_order = ["owner", "file", "event", "new_event"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, owner=None, **kwargs)
        self.fields["event"].queryset = Event.objects.select_related("owner").order_by("name")
        self.fields["event"].label_from_instance = lambda e: f"{e.name} ({e.owner})"

    def clean(self):
        data = super().clean()
        event, owner = data.get("event"), data.get("owner")
        if event and owner and event.owner_id != owner.pk:
            raise forms.ValidationError("That event belongs to another user.")
        return data


FIELD_CHOICES = [("", "— ignore —"), *FIELDS.items()]


class ColumnMappingForm(forms.Form):
    """One select per column of the file."""

    def __init__(self, *args, headers: list[str], initial_mapping: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header,
                choices=FIELD_CHOICES,
                required=False,
                initial=initial_mapping.get(header, ""),
            )

    def clean(self):
        data = super().clean()
        chosen = [data.get(f"col_{i}") for i in range(len(self.headers))]
        picked = [c for c in chosen if c]
        doubles = {FIELDS[c] for c in picked if picked.count(c) > 1}
        if doubles:
            raise forms.ValidationError(
                f"Each field can come from one column only: {', '.join(sorted(doubles))}."
            )
        if not IDENTITY_FIELDS & set(picked):
            raise forms.ValidationError(
                "Map at least one column to a name (full, first or last) or to Email."
            )
        return data

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data[f"col_{i}"]
            for i, header in enumerate(self.headers)
            if self.cleaned_data.get(f"col_{i}")
        }
