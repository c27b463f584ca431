from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from contacts.models import (
    ColumnMapping,
    Connection,
    Contact,
    ContactMerge,
    ImportBatch,
    ImportedRecord,
    ImportStatus,
    Topic,
)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "owner"]
    list_filter = ["owner"]
    search_fields = ["name"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = [
        "display_name",
        "title",
        "institution",
        "specialty",
        "tier",
        "owner",
        "stale_since",
        "do_not_contact",
        "archived_at",
    ]
    list_filter = ["tier", "do_not_contact", "preferred_channel", "owner"]
    search_fields = ["first_name", "last_name", "email", "institution", "specialty"]
    list_select_related = ["owner"]
    autocomplete_fields = ["interests"]
    raw_id_fields = ["met_at_event"]
    readonly_fields = [
        "phone_normalized",
        "last_two_way_at",
        "last_outreach_at",
        "stale_since",
        "on_hold_until",
        "on_hold_reason",
        "created_at",
        "updated_at",
    ]
    actions = ["hard_delete"]

    @admin.action(description="Delete permanently (cannot be undone)")
    def hard_delete(self, request, queryset):
        count, _ = queryset.delete()
        self.message_user(request, f"Deleted {count} rows permanently.")


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ["from_contact", "kind", "to_contact", "owner"]
    list_filter = ["kind"]
    raw_id_fields = ["from_contact", "to_contact"]


@admin.register(ContactMerge)
class ContactMergeAdmin(admin.ModelAdmin):
    list_display = ["merged_name", "kept", "owner", "created_at"]
    raw_id_fields = ["kept"]


class ImportedRecordInline(admin.TabularInline):
    model = ImportedRecord
    raw_id_fields = ["contact", "attendance"]
    extra = 0


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = [
        "file_name",
        "owner",
        "event",
        "status",
        "created_count",
        "merged_count",
        "skipped_count",
        "error_count",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["file_name"]
    raw_id_fields = ["event"]
    inlines = [ImportedRecordInline]
    change_list_template = "admin/contacts/importbatch/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="contacts_importbatch_upload"),
            path(
                "<int:pk>/preview/",
                view(self.preview_view),
                name="contacts_importbatch_preview",
            ),
            path("<int:pk>/commit/", view(self.commit_view), name="contacts_importbatch_commit"),
            *super().get_urls(),
        ]

    def _context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "has_view_permission": self.has_view_permission(request),
            **extra,
        }

    def upload_view(self, request):
        """Staff upload a list for any user's network, for a chosen or new event."""
        from contacts.import_views import start_from_form
        from contacts.importers.forms import AdminImportUploadForm
        from contacts.importers.reading import ImportFileError

        if not self.has_add_permission(request):
            raise PermissionDenied
        form = AdminImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                batch = start_from_form(
                    form, owner=form.cleaned_data["owner"], created_by=request.user
                )
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("admin:contacts_importbatch_preview", pk=batch.pk)
        context = self._context(request, form=form, title="Upload an attendee list")
        return TemplateResponse(
            request,
            "admin/contacts/importbatch/upload.html",
            context,
            status=400 if form.errors else 200,
        )

    def preview_view(self, request, pk: int):
        from contacts.importers.preview import build_preview

        if not self.has_add_permission(request):
            raise PermissionDenied
        batch = get_object_or_404(ImportBatch.objects.select_related("event", "owner"), pk=pk)
        if batch.status != ImportStatus.PREVIEW:
            return redirect("admin:contacts_importbatch_change", batch.pk)
        context = self._context(
            request,
            batch=batch,
            preview=build_preview(batch),
            title=f"Preview: {batch.file_name}",
        )
        return TemplateResponse(request, "admin/contacts/importbatch/preview.html", context)

    def commit_view(self, request, pk: int):
        from contacts.import_views import commit_batch

        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        batch = get_object_or_404(ImportBatch, pk=pk)
        commit_batch(request, batch)
        if batch.status == ImportStatus.QUEUED:
            messages.info(request, "The import is running in the background.")
        return redirect(reverse("admin:contacts_importbatch_change", args=[batch.pk]))


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    list_display = ["header_signature", "owner", "updated_at"]
