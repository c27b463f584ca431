"""The quick “log interaction” form: a few fields, inline on the dashboard and the contact
page. Recording goes through `interaction_log`, which brings the contact's follow-ups up
to date; the HTMX answer then tells the page (event `interaction-logged`) to refresh
whatever shows follow-ups."""

from datetime import date, datetime, time
from html import escape

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.db.models.functions import Coalesce, Greatest
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import trigger_client_event

from contacts.models import DISPLAY_NAME_FIELDS, Contact, display_name
from contacts.ownership import get_owned_or_404
from contacts.selectors import search_contacts
from followups.models import Preferences
from interactions.choices import Channel, Direction, Purpose, Value
from interactions.drafting.phi import phi_findings
from interactions.models import Interaction
from interactions.services import interaction_log

TEMPLATE = "interactions/quicklog.html"
EVENT = "interaction-logged"


# The picker lists the people you have been in touch with most recently; anyone else is
# one search away (type-ahead), so the dashboard's size does not grow with the network.
SHORTLIST_SIZE = 40
SEARCH_RESULTS = 25


def person_choices(queryset) -> list[tuple[int, str]]:
    """(id, display name) pairs read as plain values, sorted by name."""
    rows = queryset.values_list("pk", *DISPLAY_NAME_FIELDS)
    return sorted(((pk, display_name(*name)) for pk, *name in rows), key=lambda c: c[1].lower())


def recent_people(user, *, include: str | int | None = None):
    """The shortlist: the people most recently in touch, plus the one already chosen.
    Lazy, and one query when listed."""
    active = Contact.objects.for_user(user).active()
    recent = active.annotate(
        last_seen=Greatest(
            Coalesce("last_two_way_at", "created_at"), Coalesce("last_outreach_at", "created_at")
        )
    ).order_by("-last_seen", "-pk")
    shown = Q(pk__in=recent.values("pk")[:SHORTLIST_SIZE])
    if include is not None and str(include).isdigit():
        shown |= Q(pk=int(include))
    return active.filter(shown)


class PersonChoiceIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from person_choices(self.field.shown_queryset)


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
    """Validates against every active contact; shows only `shown_queryset`."""

    iterator = PersonChoiceIterator
    widget = PlainSelect
    shown_queryset = Contact.objects.none()


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
    # Shown only once the summary has been flagged (see the template).
    phi_confirmed = forms.BooleanField(
        label="I checked: there is no patient information in this note", required=False
    )

    def __init__(self, *args, user, today: date, contact: Contact | None = None, **kwargs):
        # Prefixed ids, so the form can sit on a page with other forms.
        kwargs.setdefault("auto_id", "quicklog_%s")
        super().__init__(*args, **kwargs)
        self.user = user
        self.today = today
        self.fields["occurred_on"].initial = today
        self.fields["occurred_on"].widget.attrs["max"] = today.isoformat()
        self.fields["contact"].queryset = Contact.objects.for_user(user).active()
        self.fields["contact"].shown_queryset = recent_people(
            user, include=self.data.get(self.add_prefix("contact")) if self.is_bound else None
        )
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
        findings = phi_findings(cleaned.get("summary", ""))
        if findings and not cleaned.get("phi_confirmed"):
            first = findings[0].message.rstrip(".")
            self.add_error(
                "summary",
                f"This note may carry patient information: {first[:1].lower()}{first[1:]}. "
                "Remove it, or tick the box to confirm there is none.",
            )
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


@require_GET
def quicklog_people(request: HttpRequest) -> HttpResponse:
    """Type-ahead for the picker: the <option>s of the people matching `q` (the first is
    chosen), or the shortlist again when `q` is empty."""
    q = request.GET.get("q", "").strip()[:100]
    if q:
        matches = search_contacts(Contact.objects.for_user(request.user).active(), q)
        people = person_choices(matches.order_by("last_name", "first_name", "pk")[:SEARCH_RESULTS])
    else:
        people = person_choices(recent_people(request.user))
    return render(request, f"{TEMPLATE}#person-options", {"people": people, "q": q})


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
