from django import forms
from django.core.validators import MaxLengthValidator

from interactions.models import Attendance, Event
from interactions.selectors import IN_NETWORK_NO, IN_NETWORK_YES, AttendeeFilters

PREP_MAX_CHARS = 4000


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["name", "kind", "starts_on", "ends_on", "location", "url", "goals"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "goals": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"starts_on": "First day", "ends_on": "Last day"}

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the event a name.")
        return name

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if ends_on and not starts_on:
            self.add_error("starts_on", "Give the first day too, or leave both empty.")
        elif starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "The last day cannot be before the first day.")
        return cleaned


class AttendeeFilterForm(forms.Form):
    specialty = forms.ChoiceField(required=False)
    institution = forms.ChoiceField(required=False)
    network = forms.ChoiceField(
        label="In your network",
        required=False,
        choices=[
            ("", "Everyone"),
            (IN_NETWORK_YES, "Already in my network"),
            (IN_NETWORK_NO, "New to me"),
        ],
    )
    targets = forms.BooleanField(label="Targets only", required=False)

    def __init__(self, data, *, specialties: list[str], institutions: list[str]):
        super().__init__(data)
        self.fields["specialty"].choices = [("", "Any specialty")] + [(s, s) for s in specialties]
        self.fields["institution"].choices = [("", "Any institution")] + [
            (i, i) for i in institutions
        ]

    def filters(self) -> AttendeeFilters:
        """The valid filters; a value that is not offered is ignored (and reported)."""
        if not self.is_bound:
            return AttendeeFilters()
        self.is_valid()
        data = self.cleaned_data
        return AttendeeFilters(
            specialty=data.get("specialty", ""),
            institution=data.get("institution", ""),
            in_network=data.get("network", ""),
            targets_only=data.get("targets", False),
        )


class TargetForm(forms.Form):
    is_target = forms.TypedChoiceField(
        choices=[("1", "Target"), ("0", "Not a target")], coerce=lambda v: v == "1"
    )


class PrepForm(forms.ModelForm):
    class Meta:
        model = Attendance
        fields = ["goals", "talking_points"]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 2}),
            "talking_points": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {"goals": "Goal", "talking_points": "Talking points"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].validators.append(MaxLengthValidator(PREP_MAX_CHARS))


class MetForm(forms.Form):
    attendance = forms.ModelMultipleChoiceField(
        queryset=Attendance.objects.none(),
        error_messages={
            "required": "Tick at least one person you met.",
            "invalid_choice": "One of the people ticked is not on this event's list.",
            "invalid_pk_value": "One of the people ticked is not on this event's list.",
        },
    )

    def __init__(self, data, *, user, event: Event):
        super().__init__(data)
        self.fields["attendance"].queryset = (
            Attendance.objects.for_user(user).filter(event=event).select_related("contact")
        )
