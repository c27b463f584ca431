"""The dashboard: today's list, worked through in place. Each row action answers an HTMX
request with the changed row plus out-of-band section counts, and a plain form post
with a redirect back to the list."""

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from contacts.models import Contact
from contacts.ownership import get_owned_or_404
from followups.forms import DismissForm, DoneForm, RowForm, SnoozeForm, snooze_choices
from followups.models import Preferences
from followups.selectors import SECTIONS, build_agenda
from followups.services import followups_dismiss, followups_done, followups_snooze
from interactions.quicklog import QuickLogForm

PAGE = "followups/dashboard.html"
SECTION_PAGE = "followups/agenda_section.html"
# The dashboard renders this many rows per section (most urgent first) and links to
# the rest, so that a long list does not make every visit slow.
ROWS_PER_SECTION = 10
# "Show all" brings the rest of a section this many rows at a time.
ROWS_PER_BATCH = 50


def _today(request: HttpRequest):
    return Preferences.for_user(request.user).local_today()


def _context(request: HttpRequest, today, *, window=None, contact_id=None, **extra) -> dict:
    if window is None:
        agenda = build_agenda(
            request.user, today=today, limit=ROWS_PER_SECTION, contact_id=contact_id
        )
    else:
        agenda = build_agenda(request.user, today=today, window=window)
    return {
        "agenda": agenda,
        "today": today,
        "snooze": snooze_choices(today),
        "nav": "today",
        **extra,
    }


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    today = _today(request)
    context = _context(request, today)
    if request.htmx and request.htmx.target == "agenda":
        # The quick-log form asks for a fresh list after it records something.
        return render(request, f"{PAGE}#agenda", context)
    context["quicklog"] = QuickLogForm(user=request.user, today=today)
    return render(request, PAGE, context)


@require_GET
def agenda_section(request: HttpRequest, key: str) -> HttpResponse:
    """One section of today's list, ROWS_PER_BATCH rows from `start`: a page of its own
    without JavaScript, and for HTMX the rows alone, which the "Show all" link swaps in
    for itself (with a link to the next batch when there is more)."""
    if key not in {k for k, _ in SECTIONS}:
        raise Http404("No such section.")
    try:
        start = max(int(request.GET.get("start", 0)), 0)
    except ValueError:
        start = 0
    end = start + ROWS_PER_BATCH
    today = _today(request)
    context = _context(request, today, window=(key, start, ROWS_PER_BATCH))
    section = context["agenda"].section(key)
    context.update(
        section=section,
        rows=section.rows,
        start=start,
        next_start=end if end < section.count else None,
        previous_start=max(start - ROWS_PER_BATCH, 0) if start else None,
        left=max(section.count - end, 0),
        batch=ROWS_PER_BATCH,
    )
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, f"{PAGE}#section-rows", context)
    return render(request, SECTION_PAGE, context)


def _row_action(
    request: HttpRequest,
    contact_pk: int,
    form_class: type[RowForm],
    act: Callable[[RowForm, list], str],
) -> HttpResponse:
    contact = get_owned_or_404(Contact, request.user, pk=contact_pk)
    today = _today(request)
    form = form_class(request.POST, user=request.user, contact=contact, today=today)
    if form.is_valid():
        outcome = act(form, form.followups())
        if not request.htmx:
            messages.success(request, outcome)
            return redirect("dashboard")
        context = _context(request, today, contact=contact, outcome=outcome)
        return render(request, f"{PAGE}#row-outcome", context)
    error = " ".join(e for errors in form.errors.values() for e in errors)
    if not request.htmx:
        messages.error(request, f"{contact.display_name}: {error}")
        return redirect("dashboard")
    context = _context(request, today, contact=contact, contact_id=contact.pk, error=error)
    context["row"] = context["agenda"].row_for(contact.pk)
    if context["row"] is None:
        context["outcome"] = "Nothing left to do for this person today."
        return render(request, f"{PAGE}#row-outcome", context)
    return render(request, f"{PAGE}#row-refresh", context)


@require_POST
def row_done(request: HttpRequest, contact_pk: int) -> HttpResponse:
    def act(form: DoneForm, followups) -> str:
        interaction = followups_done(
            followups,
            user=request.user,
            now=timezone.now(),
            log_interaction=form.cleaned_data["log"],
            note=form.cleaned_data["note"],
        )
        name = followups[0].contact.display_name
        if interaction is not None:
            return f"Done: {name}. Logged your {interaction.get_channel_display().lower()}."
        return f"Done: {name}."

    return _row_action(request, contact_pk, DoneForm, act)


@require_POST
def row_snooze(request: HttpRequest, contact_pk: int) -> HttpResponse:
    def act(form: SnoozeForm, followups) -> str:
        until = form.cleaned_data["until"]
        followups_snooze(followups, until=until)
        name = followups[0].contact.display_name
        return f"Snoozed {name} until {until:%A} {until.day} {until:%B}."

    return _row_action(request, contact_pk, SnoozeForm, act)


@require_POST
def row_dismiss(request: HttpRequest, contact_pk: int) -> HttpResponse:
    def act(form: DismissForm, followups) -> str:
        followups_dismiss(followups)
        return f"Dismissed: {followups[0].contact.display_name}."

    return _row_action(request, contact_pk, DismissForm, act)
