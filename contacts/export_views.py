"""Downloads of the user's network (CSV, vCard, JSON archive) and restoring an archive.
Confidential notes stay out unless the user ticks the box for that download."""

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from contacts.archive_import import ArchiveImportError, account_is_empty, archive_import
from contacts.exports import write_archive, write_contacts_csv, write_contacts_vcard
from contacts.models import Contact
from followups.models import Preferences

DEFAULT_ARCHIVE_MAX_BYTES = 200 * 1024 * 1024


class ExportForm(forms.Form):
    confidential = forms.BooleanField(label="Include confidential notes", required=False)


class RestoreForm(forms.Form):
    archive = forms.FileField(label="Archive file (.json)")

    def clean_archive(self):
        upload = self.cleaned_data["archive"]
        limit = getattr(settings, "ARCHIVE_MAX_BYTES", DEFAULT_ARCHIVE_MAX_BYTES)
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is larger than the {limit // (1024 * 1024)} MB limit."
            )
        try:
            return json.loads(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(
                "The file is not UTF-8 text: is it a Rapport archive?"
            ) from exc
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                f"The file is not valid JSON (line {exc.lineno}): is it a Rapport archive?"
            ) from exc


def _include_confidential(request: HttpRequest) -> bool:
    form = ExportForm(request.GET)
    return form.is_valid() and form.cleaned_data["confidential"]


def _download(request: HttpRequest, content_type: str, extension: str) -> HttpResponse:
    today = Preferences.for_user(request.user).local_today()
    response = HttpResponse(content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="rapport-{request.user.get_username()}-{today}.{extension}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def export_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "contacts/export.html",
        {
            "export_form": ExportForm(),
            "restore_form": RestoreForm(),
            "can_restore": account_is_empty(request.user),
            "nav": "contacts",
        },
    )


@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    response = _download(request, "text/csv; charset=utf-8", "csv")
    response.write("\ufeff")  # so that Excel reads the file as UTF-8
    write_contacts_csv(
        Contact.objects.for_user(request.user).active(),
        response,
        include_confidential=_include_confidential(request),
    )
    return response


@require_GET
def export_vcard(request: HttpRequest) -> HttpResponse:
    response = _download(request, "text/vcard; charset=utf-8", "vcf")
    write_contacts_vcard(
        Contact.objects.for_user(request.user).active(),
        response,
        include_confidential=_include_confidential(request),
    )
    return response


@require_GET
def export_archive(request: HttpRequest) -> HttpResponse:
    response = _download(request, "application/json", "json")
    write_archive(request.user, response, include_confidential=_include_confidential(request))
    return response


@require_POST
def archive_restore(request: HttpRequest) -> HttpResponse:
    form = RestoreForm(request.POST, request.FILES)
    problems: list[str] = []
    if form.is_valid():
        try:
            counts = archive_import(owner=request.user, data=form.cleaned_data["archive"])
        except ArchiveImportError as exc:
            problems = exc.messages
        else:
            messages.success(
                request,
                f"Archive restored: {counts.get('contacts', 0)} contacts, "
                f"{counts.get('interactions', 0)} interactions, "
                f"{counts.get('events', 0)} events.",
            )
            return redirect("contact_list")
    else:
        problems = [e for errors in form.errors.values() for e in errors]
    return render(
        request,
        "contacts/export.html",
        {
            "export_form": ExportForm(),
            "restore_form": form,
            "restore_problems": problems,
            "can_restore": account_is_empty(request.user),
            "nav": "contacts",
        },
        status=400,
    )
