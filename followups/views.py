from django.shortcuts import render
from django.views.decorators.http import require_GET

from followups.models import FollowUp, Preferences


@require_GET
def dashboard(request):
    preferences = Preferences.for_user(request.user)
    today = preferences.local_today()
    followups = (
        FollowUp.objects.for_user(request.user)
        .actionable(today)
        .select_related("contact")
        .order_by("due_on", "id")[:200]
    )
    return render(request, "followups/dashboard.html", {"followups": followups, "today": today})
