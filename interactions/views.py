from django.shortcuts import render
from django.views.decorators.http import require_GET

from contacts.ownership import get_owned_or_404
from interactions.models import Event


@require_GET
def event_detail(request, pk: int):
    event = get_owned_or_404(Event, request.user, pk=pk)
    return render(request, "interactions/event_detail.html", {"event": event})
