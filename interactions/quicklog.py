"""The quick “log interaction” form: a few fields, inline on the dashboard and the contact
page. Recording goes through `interaction_log`, which brings the contact's follow-ups up
to date; the HTMX answer then tells the page (event `interaction-logged`) to refresh
whatever shows follow-ups."""

from datetime import date, datetime, time
from html import escape

from django import forms
from django.contrib import messages
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_htmx.http import trigger_client_event

from contacts.models import DISPLAY_NAME_FIELDS, Contact, display_name
from contacts.ownership import get_owned_or_404
from followups.models import Preferences
from interactions.choices import Channel, Direction, Purpose, Value
from interactions.models import Interaction
from interactions.services import interaction_log

TEMPLATE = "interactions/quicklog.html"
EVENT = "interaction-logged"


class PersonChoiceIterator(ModelChoiceIterator):
    """(id, display name) pairs read as plain values: no model instance per person."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, *name in self.queryset.values_list("pk", *DISPLAY_NAME_FIELDS):
            yield (pk, display_name(*name))


class PlainSelect(forms.Select):
    """A flat select rendered in one pass rather than a template per option: the quick
    log lists every active contact, thousands for a busy user, on the dashboard."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = {str(v) for v in self.format_value(value)}
        # The standard library's escape is Django's, without a SafeString per option.
        options = "".join(
            f'<option value="{escape(str(v))}"{" selected" if str(v) in chosen else ""}>'
            f"{escape(str(label))}</option>"
            for v, label in self.choices
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), mark_safe(options))


class PersonChoiceField(forms.ModelChoiceField):
    iterator = PersonChoiceIterator
    widget = PlainSelect


class QuickLogForm(forms.Form):
    contact = PersonChoiceField(
        queryset=Contact.objects.none(), empty_label="Choose a person…", label="Who"
    )
    channel = forms.ChoiceField(label="How", choices=Channel.choices, initial=Channel.EMAIL)
    direction = forms.ChoiceField(
        label="Who reached out", choices=Direction.choices, initial=Direction.MUTUAL
    )
    purpose = forms.ChoiceField(label="About", choices=Purpose.choices, initial=Purpose.MEETING)
    value = forms.ChoiceField(
        label="Give or ask",
        choices=Value.choices,
        initial=Value.NEUTRAL,
        help_text="Did you help them (give) or ask for something (ask)?",
    )
    occurred_on = forms.DateField(label="When", widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(
        label="What happened",
        required=False,
        max_length=5000,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": "Talked about the new triage pilot"}
        ),
    )
    awaiting_reply = forms.BooleanField(label="I'm waiting for a reply", required=False)

    def __init__(self, *args, user, today: date, contact: Contact | None = None, **kwargs):
        # Prefixed ids, so the form can sit on a page with other forms.
        kwargs.setdefault("auto_id", "quicklog_%s")
        super().__init__(*args, **kwargs)
        self.user = user
        self.today = today
        self.fields["occurred_on"].initial = today
        self.fields["occurred_on"].widget.attrs["max"] = today.isoformat()
        self.fields["contact"].queryset = Contact.objects.for_user(user).active()
        if contact is not None:
            # Embedded on a contact page: the person is given, not chosen.
            self.fields["contact"].initial = contact.pk
            self.fields["contact"].widget = forms.HiddenInput()
            self.fixed_contact = contact
        else:
            self.fixed_contact = None

    def clean_occurred_on(self) -> date:
        occurred_on = self.cleaned_data["occurred_on"]
        if occurred_on > self.today:
            raise forms.ValidationError("Log what already happened: choose today or earlier.")
        return occurred_on

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("awaiting_reply") and cleaned.get("direction") != Direction.OUTBOUND:
            self.add_error("awaiting_reply", "Only a message you sent can be waiting for a reply.")
        return cleaned

    def occurred_at(self, now: datetime) -> datetime:
        """Today means now; an earlier day means midday of that day in the user's zone."""
        occurred_on = self.cleaned_data["occurred_on"]
        if occurred_on == self.today:
            return now
        tz = Preferences.for_user(self.user).tz
        return datetime.combine(occurred_on, time(12), tzinfo=tz)

    def save(self, *, now: datetime) -> Interaction:
        data = self.cleaned_data
        return interaction_log(
            owner=self.user,
            contact=data["contact"],
            occurred_at=self.occurred_at(now),
            channel=data["channel"],
            direction=data["direction"],
            purpose=data["purpose"],
            value=data["value"],
            summary=data["summary"].strip(),
            awaiting_reply=data["awaiting_reply"],
        )


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


@require_http_methods(["GET", "POST"])
def quicklog(request: HttpRequest) -> HttpResponse:
    """GET: the form on its own page (the no-JS fallback, and ?contact=<id> to preset the
    person). POST: record it; HTMX gets a fresh form and the `interaction-logged` event,
    a plain post is redirected back to where it came from."""
    today = Preferences.for_user(request.user).local_today()
    contact = None
    contact_pk = request.POST.get("fixed_contact") or request.GET.get("contact")
    if contact_pk:
        contact = get_owned_or_404(Contact, request.user, pk=contact_pk)
    next_url = _next_url(request)
    if request.method == "GET":
        form = QuickLogForm(user=request.user, today=today, contact=contact)
        return render(request, TEMPLATE, {"quicklog": form, "quicklog_next": next_url})
    form = QuickLogForm(request.POST, user=request.user, today=today, contact=contact)
    if form.is_valid():
        interaction = form.save(now=timezone.now())
        logged = f"Logged: {interaction.get_channel_display()} with {interaction.contact}."
        if not request.htmx:
            messages.success(request, logged)
            return redirect(next_url)
        fresh = QuickLogForm(user=request.user, today=today, contact=contact)
        context = {"quicklog": fresh, "quicklog_next": next_url, "logged": logged}
        response = render(request, f"{TEMPLATE}#quicklog-form", context)
        return trigger_client_event(
            response, EVENT, {"contact": interaction.contact_id, "interaction": interaction.pk}
        )
    context = {"quicklog": form, "quicklog_next": next_url}
    if request.htmx:
        return render(request, f"{TEMPLATE}#quicklog-form", context)
    return render(request, TEMPLATE, context, status=400)
