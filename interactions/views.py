"""Event preparation: events, their attendees and targets, the prep brief, and logging
who you met. Every action works as a plain form post; HTMX swaps a partial instead."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from contacts.ownership import get_owned_or_404
from followups.models import Preferences
from interactions.forms import AttendeeFilterForm, EventForm, MetForm, PrepForm, TargetForm
from interactions.models import Attendance, Event
from interactions.selectors import (
    AttendeeFilters,
    attendee_filter_options,
    event_attendances,
    event_has_started,
    target_preps,
)
from interactions.services import (
    EventNotStarted,
    attendance_set_target,
    attendance_update_prep,
    event_record_met,
)

ATTENDEES_PER_PAGE = 50


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    today = Preferences.for_user(request.user).local_today()
    events = Event.objects.for_user(request.user).annotate(
        attendee_count=Count("attendances"),
        target_count=Count("attendances", filter=Q(attendances__is_target=True)),
        met_count=Count("attendances", filter=Q(attendances__met=True)),
    )
    upcoming, past = [], []
    for event in events.order_by("starts_on", "name"):
        last_day = event.ends_on or event.starts_on
        (past if last_day is not None and last_day < today else upcoming).append(event)
    past.reverse()
    return render(
        request,
        "interactions/event_list.html",
        {"upcoming": upcoming, "past": past, "today": today, "nav": "events"},
    )


@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    form = EventForm(request.POST or None, instance=Event(owner=request.user))
    if request.method == "POST" and form.is_valid():
        event = form.save()
        messages.success(request, f"“{event}” created.")
        return redirect(event)
    return render(request, "interactions/event_form.html", {"form": form, "nav": "events"})


@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_owned_or_404(Event, request.user, pk=pk)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Event saved.")
        return redirect(event)
    return render(
        request, "interactions/event_form.html", {"form": form, "event": event, "nav": "events"}
    )


def _targets(request: HttpRequest, event: Event, tz) -> list:
    targets = list(
        event_attendances(
            user=request.user, event=event, tz=tz, filters=AttendeeFilters(targets_only=True)
        )
    )
    return target_preps(user=request.user, event=event, attendances=targets)


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_owned_or_404(Event, request.user, pk=pk)
    preferences = Preferences.for_user(request.user)
    tz, today = preferences.tz, preferences.local_today()
    context = {"event": event, "nav": "events", "started": event_has_started(event, today)}
    if request.htmx and request.htmx.target == "targets":
        context["preps"] = _targets(request, event, tz)
        return render(request, "interactions/event_detail.html#targets", context)

    options = attendee_filter_options(user=request.user, event=event)
    filter_form = AttendeeFilterForm(
        request.GET if request.GET.keys() - {"page"} else None,
        specialties=options["specialties"],
        institutions=options["institutions"],
    )
    filters = filter_form.filters()
    attendances = event_attendances(user=request.user, event=event, tz=tz, filters=filters)
    page = Paginator(attendances, ATTENDEES_PER_PAGE).get_page(request.GET.get("page"))
    context |= {
        "filter_form": filter_form,
        "filters": filters,
        "page": page,
        "preps": _targets(request, event, tz),
    }
    if request.htmx and request.htmx.target == "attendees":
        return render(request, "interactions/event_detail.html#attendees", context)
    return render(request, "interactions/event_detail.html", context)


@require_GET
def event_brief(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_owned_or_404(Event, request.user, pk=pk)
    tz = Preferences.for_user(request.user).tz
    return render(
        request,
        "interactions/event_brief.html",
        {"event": event, "preps": _targets(request, event, tz), "nav": "events"},
    )


def _back_to_event(request: HttpRequest, event: Event, anchor: str = "") -> HttpResponse:
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url + anchor)
    return redirect(event.get_absolute_url() + anchor)


@require_POST
def attendance_target(request: HttpRequest, pk: int, attendance_pk: int) -> HttpResponse:
    event = get_owned_or_404(Event, request.user, pk=pk)
    attendance = get_owned_or_404(
        Attendance.objects.select_related("contact"), request.user, pk=attendance_pk, event=event
    )
    form = TargetForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Say whether this person is a target.", status=400)
    attendance_set_target(attendance=attendance, is_target=form.cleaned_data["is_target"])
    if request.htmx:
        preferences = Preferences.for_user(request.user)
        # The row keeps its "in network" badge: read it again through the selector.
        attendance = event_attendances(user=request.user, event=event, tz=preferences.tz).get(
            pk=attendance.pk
        )
        today = preferences.local_today()
        response = render(
            request,
            "interactions/event_detail.html#attendee-row",
            {
                "event": event,
                "attendance": attendance,
                "started": event_has_started(event, today),
                "next": request.POST.get("next", ""),
            },
        )
        return trigger_client_event(response, "targets-changed")
    verb = "marked as a target" if attendance.is_target else "no longer a target"
    messages.success(request, f"{attendance.contact.display_name} {verb}.")
    return _back_to_event(request, event, f"#attendee-{attendance.pk}")


@require_POST
def attendance_prep(request: HttpRequest, pk: int, attendance_pk: int) -> HttpResponse:
    event = get_owned_or_404(Event, request.user, pk=pk)
    attendance = get_owned_or_404(
        Attendance.objects.select_related("contact"), request.user, pk=attendance_pk, event=event
    )
    form = PrepForm(request.POST, instance=attendance)
    saved = form.is_valid()
    if saved:
        attendance = attendance_update_prep(
            attendance=attendance,
            goals=form.cleaned_data["goals"],
            talking_points=form.cleaned_data["talking_points"],
        )
    if request.htmx:
        tz = Preferences.for_user(request.user).tz
        attendance = event_attendances(user=request.user, event=event, tz=tz).get(pk=attendance.pk)
        (prep,) = target_preps(user=request.user, event=event, attendances=[attendance])
        return render(
            request,
            "interactions/event_detail.html#target-prep",
            {"event": event, "prep": prep, "saved": saved, "errors": form.errors},
        )
    if saved:
        messages.success(request, f"Prep for {attendance.contact.display_name} saved.")
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(event.get_absolute_url() + f"#target-{attendance.pk}")


@require_POST
def event_met(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_owned_or_404(Event, request.user, pk=pk)
    form = MetForm(request.POST, user=request.user, event=event)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["attendance"]))
        return redirect(event.get_absolute_url() + "#attendees")
    try:
        logged = event_record_met(
            owner=request.user,
            event=event,
            attendances=list(form.cleaned_data["attendance"]),
            now=timezone.now(),
            tz=Preferences.for_user(request.user).tz,
        )
    except EventNotStarted:
        messages.error(request, "You can tick who you met once the event has started.")
        return redirect(event.get_absolute_url() + "#attendees")
    if logged:
        names = ", ".join(i.contact.display_name for i in logged)
        messages.success(
            request,
            f"Logged {len(logged)} conference encounter{'s' if len(logged) != 1 else ''} "
            f"({names}). Their thank-yous will be on your Today list.",
        )
    else:
        messages.info(request, "Everyone ticked was already marked as met.")
    return redirect(reverse("event_detail", args=[event.pk]) + "#attendees")
