"""The contacts pages. Views parse with a form, call a service or selector, and render
a page (or its partial for HTMX) or redirect. Every object comes through the owner's
scope, so another user's id is a 404, on GET and POST alike."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from contacts import services
from contacts.exports import write_contacts_csv
from contacts.forms import (
    FIELDSETS,
    BulkAction,
    BulkForm,
    ContactFilterForm,
    ContactForm,
    IntroduceForm,
    MergeForm,
    MergePickForm,
)
from contacts.models import Contact
from contacts.ownership import get_owned_or_404
from contacts.selectors import (
    ContactFilters,
    contact_list_rows,
    contact_page,
    filter_contacts,
)
from followups.models import Preferences
from interactions.quicklog import QuickLogForm

PER_PAGE = 25
UNDO_SESSION_KEY = "contacts_undo_archive"


def _is_partial(request) -> bool:
    """An HTMX request for a fragment (not a history restore, which wants the page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- The list --------------------------------------------------------------------


@require_GET
def contact_list(request):
    preferences = Preferences.for_user(request.user)
    today = preferences.local_today()
    form = ContactFilterForm(request.GET or None, owner=request.user)
    filters = form.filters() if form.is_bound else ContactFilters()
    queryset = contact_list_rows(filter_contacts(request.user, filters, today=today))
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    partial = _is_partial(request)
    context = {
        "nav": "contacts",
        "form": form,
        "filters": filters,
        "page": page,
        "today": today,
        "bulk_form": BulkForm(),
        # Shown once, on the next full page.
        "undo_ids": None if partial else request.session.pop(UNDO_SESSION_KEY, None),
        "is_filtered": any(
            (filters.q, filters.stale, filters.on_hold, filters.tier, filters.topic, filters.event)
        ),
    }
    template = "contacts/contact_list.html#results" if partial else "contacts/contact_list.html"
    return render(request, template, context)


@require_POST
def contact_bulk(request):
    back = _safe_next(request, reverse("contact_list"))
    try:
        ids = sorted({int(value) for value in request.POST.getlist("ids")})
    except ValueError as exc:
        raise Http404("No such contact.") from exc
    if Contact.objects.for_user(request.user).filter(pk__in=ids).count() != len(ids):
        raise Http404("No such contact.")
    if not ids:
        messages.error(request, "Select at least one contact first.")
        return redirect(back)
    form = BulkForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    action, data, owner = form.cleaned_data["action"], form.cleaned_data, request.user
    count = len(ids)
    people = f"{count} contact{'s' if count != 1 else ''}"
    if action == BulkAction.EXPORT:
        return _export_selection(owner, ids)
    if action == BulkAction.TAG:
        topic = services.bulk_tag(owner=owner, contact_ids=ids, topic_name=data["tag"])
        messages.success(request, f"Tagged {people} “{topic.name}”.")
    elif action == BulkAction.CADENCE:
        services.bulk_set_cadence(owner=owner, contact_ids=ids, cadence_days=data["cadence_days"])
        messages.success(request, f"Set a {data['cadence_days']}-day cadence for {people}.")
    elif action == BulkAction.TIER:
        services.bulk_set_tier(owner=owner, contact_ids=ids, tier=data["tier"])
        messages.success(request, f"Moved {people} to the {data['tier']} tier.")
    elif action == BulkAction.ARCHIVE:
        archived = services.bulk_archive(owner=owner, contact_ids=ids)
        request.session[UNDO_SESSION_KEY] = archived
        count = len(archived)
        messages.success(request, f"Archived {count} contact{'s' if count != 1 else ''}.")
    return redirect(back)


def _export_selection(owner, ids: list[int]) -> HttpResponse:
    """The selected contacts as formula-safe CSV. Confidential notes never leave here."""
    contacts = (
        Contact.objects.for_user(owner).filter(pk__in=ids).order_by("last_name", "first_name", "id")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="contacts-{stamp}.csv"'
    response.write("\ufeff")  # so that Excel reads UTF-8
    write_contacts_csv(contacts, response)
    return response


@require_POST
def contacts_restore(request):
    """Undo an archive: of one contact or of a bulk selection."""
    try:
        ids = sorted({int(value) for value in request.POST.getlist("ids")})
    except ValueError as exc:
        raise Http404("No such contact.") from exc
    try:
        count = services.bulk_unarchive(owner=request.user, contact_ids=ids)
    except services.ContactError as exc:
        raise Http404("No such contact.") from exc
    messages.success(request, f"Restored {count} contact{'s' if count != 1 else ''}.")
    if len(ids) == 1:
        return redirect(_safe_next(request, reverse("contact_detail", args=ids)))
    return redirect(_safe_next(request, reverse("contact_list")))


# --- One contact -----------------------------------------------------------------


@require_GET
def contact_detail(request, pk: int):
    page = contact_page(request.user, pk, now=timezone.now())
    context = {"nav": "contacts", "page": page, "contact": page.contact}
    if not page.contact.is_archived:
        context["quicklog"] = QuickLogForm(
            user=request.user, today=page.today, contact=page.contact
        )
    return render(request, "contacts/contact_detail.html", context)


def _save_contact(request, form: ContactForm, contact: Contact | None):
    try:
        if contact is None:
            return services.contact_create(
                owner=request.user, interest_names=form.interest_names, **form.profile_data()
            )
        return services.contact_update(
            contact=contact, interest_names=form.interest_names, **form.profile_data()
        )
    except ValidationError as exc:
        form.add_error(None, exc)
    except services.ContactError as exc:
        form.add_error(None, str(exc))
    return None


@require_http_methods(["GET", "POST"])
def contact_create(request):
    form = ContactForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        contact = _save_contact(request, form, None)
        if contact is not None:
            messages.success(request, f"Added {contact.display_name}.")
            return redirect(contact)
    return render(
        request,
        "contacts/contact_form.html",
        {"nav": "contacts", "form": form, "fieldsets": _fieldsets(form), "contact": None},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def contact_edit(request, pk: int):
    contact = get_owned_or_404(Contact.objects.prefetch_related("interests"), request.user, pk=pk)
    form = ContactForm(request.POST or None, instance=contact, owner=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _save_contact(request, form, contact)
        if saved is not None:
            messages.success(request, f"Saved {saved.display_name}.")
            return redirect(saved)
    return render(
        request,
        "contacts/contact_form.html",
        {"nav": "contacts", "form": form, "fieldsets": _fieldsets(form), "contact": contact},
        status=400 if form.errors else 200,
    )


def _fieldsets(form: ContactForm):
    return [(title, [form[name] for name in names]) for title, names in FIELDSETS]


@require_http_methods(["GET", "POST"])
def contact_archive(request, pk: int):
    """GET asks for confirmation; POST archives and offers an undo on the list."""
    contact = get_owned_or_404(Contact, request.user, pk=pk)
    if request.method == "POST":
        services.contact_archive(contact=contact)
        request.session[UNDO_SESSION_KEY] = [contact.pk]
        messages.success(request, f"Archived {contact.display_name}.")
        if request.htmx:
            return HttpResponseClientRedirect(reverse("contact_list"))
        return redirect("contact_list")
    return render(request, "contacts/contact_archive.html", {"nav": "contacts", "contact": contact})


@require_http_methods(["GET", "POST"])
def contact_introduce(request, pk: int):
    contact = get_owned_or_404(Contact, request.user, pk=pk)
    preferences = Preferences.for_user(request.user)
    today = preferences.local_today()
    form = IntroduceForm(request.POST or None, contact=contact, today=today)
    if request.method == "POST" and form.is_valid():
        other = form.cleaned_data["other"]
        occurred_at = _introduction_time(form.cleaned_data["occurred_on"], preferences)
        try:
            services.contacts_introduce(
                owner=request.user,
                contact=contact,
                other=other,
                occurred_at=occurred_at,
                channel=form.cleaned_data["channel"],
                note=form.cleaned_data["note"],
                check_on=form.check_on(),
            )
        except services.ContactError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Introduced {contact.display_name} to {other.display_name}. "
                f"You will be reminded to ask how it went on {form.check_on():%b %-d}.",
            )
            return redirect(contact)
    return render(
        request,
        "contacts/contact_introduce.html",
        {"nav": "contacts", "contact": contact, "form": form},
        status=400 if form.errors else 200,
    )


def _introduction_time(day, preferences: Preferences):
    """Today's introduction happened now; an earlier day's at noon, in the user's zone."""
    from datetime import datetime, time

    now = timezone.now()
    if day == preferences.local_today(now):
        return now
    return datetime.combine(day, time(12), tzinfo=preferences.tz)


@require_http_methods(["GET", "POST"])
def contact_merge(request, pk: int):
    """Pick the duplicate, then choose field by field what the kept contact keeps."""
    contact = get_owned_or_404(Contact.objects.prefetch_related("interests"), request.user, pk=pk)
    data = request.POST if request.method == "POST" else request.GET
    pick = MergePickForm(data if "other" in data else None, contact=contact)
    other = pick.cleaned_data["other"] if pick.is_bound and pick.is_valid() else None
    if pick.is_bound and other is None and data.get("other"):
        # A foreign or unknown id is a 404, like everywhere else.
        raise Http404("No such contact.")
    form = None
    if other is not None:
        form = MergeForm(
            request.POST if request.method == "POST" else None, kept=contact, other=other
        )
        if request.method == "POST" and form.is_valid():
            name = other.display_name
            try:
                services.contacts_merge(
                    owner=request.user, kept=contact, other=other, choices=form.choices()
                )
            except (services.ContactError, ValidationError) as exc:
                form.add_error(None, exc.messages if hasattr(exc, "messages") else str(exc))
            else:
                messages.success(
                    request,
                    f"Merged {name} into {contact.display_name}: everything of both is here.",
                )
                return redirect(contact)
    elif request.method == "POST":
        return HttpResponseRedirect(reverse("contact_merge", args=[contact.pk]))
    return render(
        request,
        "contacts/contact_merge.html",
        {
            "nav": "contacts",
            "contact": contact,
            "other": other,
            "pick": pick if other is None else MergePickForm(contact=contact),
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )
