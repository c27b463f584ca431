"""The calendar feed (reached by its secret token, without a session) and the small page
that shows and regenerates that token."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from followups.calendar import build_calendar
from followups.models import Preferences, new_calendar_token

# Tokens are secrets.token_urlsafe(32); anything else (NUL bytes included) is not one.
CALENDAR_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


@login_not_required
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    # The URL only admits token characters (no NUL, which PostgreSQL refuses).
    preferences = (
        Preferences.objects.select_related("user").filter(calendar_token=token).first()
        if CALENDAR_TOKEN.fullmatch(token)
        else None
    )
    if preferences is None or not preferences.user.is_active:
        raise Http404("No such calendar.")
    response = HttpResponse(
        build_calendar(preferences.user), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="rapport.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def calendar_settings(request: HttpRequest) -> HttpResponse:
    preferences = Preferences.for_user(request.user)
    feed_url = request.build_absolute_uri(
        reverse("calendar_feed", args=[preferences.calendar_token])
    )
    return render(
        request,
        "followups/calendar_feed.html",
        {
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        },
    )


@require_POST
def calendar_regenerate(request: HttpRequest) -> HttpResponse:
    preferences = Preferences.for_user(request.user)
    preferences.calendar_token = new_calendar_token()
    preferences.save(update_fields=["calendar_token"])
    messages.success(
        request, "New calendar address made. The old one no longer works: update your calendar."
    )
    return redirect("calendar_settings")
