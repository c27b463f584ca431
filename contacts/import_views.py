"""The in-app import: upload → preview (with column mapping) → commit → result/undo."""

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from config.queue import enqueue_on_commit
from contacts.importers.forms import ColumnMappingForm, ImportUploadForm
from contacts.importers.preview import build_preview
from contacts.importers.reading import ImportFileError
from contacts.importers.services import (
    event_get_or_create,
    import_claim,
    import_commit,
    import_progress,
    import_set_mapping,
    import_start,
    import_undo,
)
from contacts.models import ImportBatch, ImportStatus
from contacts.ownership import get_owned_or_404


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            batch = start_from_form(form, owner=request.user, created_by=request.user)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("import_preview", pk=batch.pk)
    batches = ImportBatch.objects.for_user(request.user).select_related("event")[:10]
    return render(
        request,
        "contacts/import.html",
        {"form": form, "batches": batches, "nav": "import"},
        status=400 if form.errors else 200,
    )


def start_from_form(form, *, owner, created_by) -> ImportBatch:
    """The event is only created along with a batch: a bad file leaves neither."""
    with transaction.atomic():
        event = form.cleaned_data.get("event")
        if not event and form.cleaned_data.get("new_event"):
            event = event_get_or_create(owner=owner, name=form.cleaned_data["new_event"])
        return import_start(
            owner=owner, created_by=created_by, upload=form.cleaned_data["file"], event=event
        )


@require_GET
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_owned_or_404(ImportBatch.objects.select_related("event"), request.user, pk=pk)
    if batch.status != ImportStatus.PREVIEW:
        return redirect("import_result", pk=batch.pk)
    return _render_preview(request, batch)


def _render_preview(request, batch, mapping_form=None, status=200) -> HttpResponse:
    preview = build_preview(batch)
    if mapping_form is None:
        mapping_form = ColumnMappingForm(
            headers=preview.headers, initial_mapping=batch.column_mapping
        )
    return render(
        request,
        "contacts/import_preview.html",
        {"preview": preview, "batch": batch, "mapping_form": mapping_form, "nav": "import"},
        status=status,
    )


@require_POST
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_owned_or_404(ImportBatch, request.user, pk=pk)
    if batch.status != ImportStatus.PREVIEW:
        return redirect("import_result", pk=batch.pk)
    preview = build_preview(batch)
    form = ColumnMappingForm(
        request.POST, headers=preview.headers, initial_mapping=batch.column_mapping
    )
    if not form.is_valid():
        return _render_preview(request, batch, mapping_form=form, status=400)
    import_set_mapping(batch=batch, mapping=form.mapping(), headers=preview.headers)
    messages.success(request, "Column mapping saved; it will be used for files with these columns.")
    return redirect("import_preview", pk=batch.pk)


@require_POST
def import_commit_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_owned_or_404(ImportBatch, request.user, pk=pk)
    commit_batch(request, batch)
    return redirect("import_result", pk=batch.pk)


def commit_batch(request: HttpRequest, batch: ImportBatch) -> None:
    """Small files commit now; big ones go to the worker (the page shows progress)."""
    if batch.total_rows > settings.IMPORT_ASYNC_ROWS:
        if import_claim(batch=batch, queued=True):
            from contacts.tasks import commit_import

            # Never hangs or raises with the broker down: the heartbeat sweep
            # (followups.tasks.heartbeat) re-queues batches left waiting.
            enqueue_on_commit(commit_import, batch.pk)
        return
    if not import_claim(batch=batch):
        return
    try:
        import_commit(batch=batch)
    except ImportFileError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Imported {batch.file_name}: {batch.created_count} created, "
            f"{batch.merged_count} merged.",
        )


@require_GET
def import_result(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_owned_or_404(ImportBatch.objects.select_related("event"), request.user, pk=pk)
    running = batch.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
    if request.htmx and not running:
        return HttpResponseClientRedirect(request.path)
    context = {
        "batch": batch,
        "running": running,
        "progress": import_progress(batch),
        "nav": "import",
    }
    template = "contacts/import_result.html"
    return render(request, f"{template}#progress" if request.htmx else template, context)


@require_POST
def import_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_owned_or_404(ImportBatch, request.user, pk=pk)
    try:
        import_undo(batch=batch)
    except ImportFileError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Undid the import of {batch.file_name}.")
    return redirect("import_result", pk=batch.pk)
