"""Pages of the daily digest: preferences, the in-app preview, and the pages the email's
links open (one-click Done / Snooze, one-click unsubscribe)."""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.formats import date_format
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from config.ratelimit import ratelimit
from followups.digest import preview_digest
from followups.digest_forms import PreferencesForm
from followups.links import LinkError, read_action_token, read_unsubscribe_token
from followups.models import DigestDelivery, FollowUp, FollowUpStatus, Preferences
from followups.services import FollowUpError, followup_done, followup_snooze

SNOOZE_DAYS = 3
PREVIEW_SALT = "rapport.followups.digest-preview"
PREVIEW_MAX_AGE = timedelta(hours=1)
# The email's own HTML keeps its inline styles (mail clients need them), so the one
# response that shows it gets a policy of its own: styles, no scripts, no requests.
EMAIL_PREVIEW_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": ["data:"],
    "frame-ancestors": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.NONE],
}
email_link_ratelimit = ratelimit(
    "email-link", limit=120, window_seconds=3600, methods=("GET", "POST")
)


def next_digest_at(preferences: Preferences, now: datetime) -> datetime | None:
    """When the next digest is due, in the user's zone (the job runs every 15 minutes,
    so it arrives within a quarter of an hour of this)."""
    if not preferences.digest_enabled:
        return None
    local_now = now.astimezone(preferences.tz)
    today = local_now.date()
    sent_today = DigestDelivery.objects.filter(user_id=preferences.user_id, local_date=today)
    day = today + timedelta(days=1) if sent_today.exists() else today
    return datetime.combine(day, time(preferences.digest_hour), tzinfo=preferences.tz)


@require_http_methods(["GET", "POST"])
def preferences(request):
    preferences = Preferences.for_user(request.user)
    form = PreferencesForm(request.POST or None, instance=preferences)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Preferences saved.")
        return redirect("preferences")
    now = timezone.now()
    context = {
        "form": form,
        "nav": "preferences",
        "next_digest_at": next_digest_at(preferences, now),
        "last_delivery": DigestDelivery.objects.filter(user=request.user)
        .order_by("-local_date")
        .first(),
        "email": request.user.email,
        "time_zone": preferences.time_zone,
    }
    return render(request, "followups/preferences.html", context)


def preview_signature(user, today) -> str:
    return signing.TimestampSigner(salt=PREVIEW_SALT).sign(f"{user.pk}:{today.isoformat()}")


@require_GET
def digest_preview(request):
    preferences = Preferences.for_user(request.user)
    now = timezone.now()
    digest = preview_digest(request.user, now=now)
    today = digest.agenda.today
    context = {
        "nav": "preferences",
        "digest": digest,
        "subject": digest.message.subject,
        # The plain-text part is rendered without escaping (it is not HTML) and comes
        # back marked safe: the template must escape it.
        "text_body": digest.message.body,
        "preferences": preferences,
        "would_send": not digest.agenda.is_empty or preferences.digest_send_empty,
        "delivery": DigestDelivery.objects.filter(user=request.user, local_date=today).first(),
        "frame_url": reverse("digest_preview_email", args=[preview_signature(request.user, today)]),
    }
    return render(request, "followups/digest_preview.html", context)


@require_GET
@xframe_options_sameorigin
@csp_override(EMAIL_PREVIEW_CSP)
def digest_preview_email(request, signature: str):
    """The HTML part of today's digest, for the preview page's frame. The signature
    (made by the preview page, for this user) keeps it from being opened on its own."""
    try:
        value = signing.TimestampSigner(salt=PREVIEW_SALT).unsign(
            signature, max_age=PREVIEW_MAX_AGE
        )
    except signing.BadSignature as exc:
        raise Http404("No such preview.") from exc
    if value.split(":")[0] != str(request.user.pk):
        raise Http404("No such preview.")
    digest = preview_digest(request.user)
    html = digest.message.alternatives[0].content
    # Links clicked inside the frame open in the whole window, not inside the frame.
    html = html.replace("<head>", '<head><base target="_top">', 1)
    return HttpResponse(html)


def link_page(request, context: dict, *, status: int = 200):
    return render(request, "followups/email_link.html", context, status=status)


@login_not_required
@email_link_ratelimit
@require_http_methods(["GET", "POST"])
def followup_email_action(request, token: str):
    """GET shows what the link will do and one button (mail scanners open links, so a
    GET changes nothing); POST does it. Acts only on the follow-up the signature names,
    for the user it names."""
    try:
        claim = read_action_token(token)
    except LinkError as error:
        return link_page(
            request,
            {"error": error.message, "expired": error.expired},
            status=410 if error.expired else 400,
        )
    if request.user.is_authenticated and request.user.pk != claim.user_id:
        return link_page(
            request,
            {
                "error": "This link was sent to another account. Log out to use it, or act "
                "from your own list."
            },
            status=403,
        )
    owner = get_user_model().objects.filter(pk=claim.user_id, is_active=True).first()
    followup = (
        FollowUp.objects.for_user(owner)
        .select_related("contact", "resource", "commitment")
        .filter(pk=claim.followup_id)
        .first()
        if owner is not None
        else None
    )
    if followup is None:
        return link_page(
            request,
            {"error": "This follow-up no longer exists, or the link does not belong to it."},
            status=404,
        )
    preferences = Preferences.for_user(owner)
    snooze_until = preferences.local_today() + timedelta(days=SNOOZE_DAYS)
    if request.method == "POST":
        now = timezone.now()
        try:
            if claim.action == "done":
                followup_done(followup, user=owner, now=now)
                messages.success(request, "Marked done.")
            else:
                followup_snooze(followup, until=snooze_until)
                messages.success(request, f"Snoozed until {date_format(snooze_until, 'l j F')}.")
        except FollowUpError as error:
            messages.error(request, str(error))
        return redirect("followup_email_action", token=token)
    return link_page(
        request,
        {
            "followup": followup,
            "action": claim.action,
            "snooze_until": snooze_until,
            "is_closed": followup.status not in (FollowUpStatus.OPEN, FollowUpStatus.SNOOZED),
            "is_snoozed": followup.status == FollowUpStatus.SNOOZED,
        },
    )


@login_not_required
@csrf_exempt  # RFC 8058: the mail provider POSTs without a CSRF token; the signed URL is it.
@email_link_ratelimit
@require_http_methods(["GET", "POST"])
def digest_unsubscribe(request, token: str):
    try:
        user_id = read_unsubscribe_token(token)
    except LinkError as error:
        return render(request, "followups/unsubscribe.html", {"error": error.message}, status=400)
    preferences = (
        Preferences.objects.filter(user_id=user_id, user__is_active=True)
        .select_related("user")
        .first()
    )
    if preferences is None:
        return render(
            request,
            "followups/unsubscribe.html",
            {"error": "This account no longer exists."},
            status=404,
        )
    if request.method == "POST":
        if request.POST.get("List-Unsubscribe") != "One-Click":
            return render(
                request,
                "followups/unsubscribe.html",
                {
                    "error": "This unsubscribe request is incomplete: use the button below.",
                    "email": preferences.user.email,
                    "show_form": True,
                },
                status=400,
            )
        if preferences.digest_enabled:
            preferences.digest_enabled = False
            preferences.save(update_fields=["digest_enabled"])
        return render(request, "followups/unsubscribe.html", {"done": True})
    return render(
        request,
        "followups/unsubscribe.html",
        {"already": not preferences.digest_enabled, "email": preferences.user.email},
    )
