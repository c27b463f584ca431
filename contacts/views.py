from django.shortcuts import render
from django.views.decorators.http import require_GET

from contacts.models import Contact
from contacts.ownership import get_owned_or_404


@require_GET
def contact_list(request):
    contacts = Contact.objects.for_user(request.user).active()[:100]
    return render(request, "contacts/contact_list.html", {"contacts": contacts})


@require_GET
def contact_detail(request, pk: int):
    contact = get_owned_or_404(Contact, request.user, pk=pk)
    return render(request, "contacts/contact_detail.html", {"contact": contact})
