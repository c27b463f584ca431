from django.contrib import admin

from contacts.models import (
    ColumnMapping,
    Connection,
    Contact,
    ContactMerge,
    ImportBatch,
    ImportedRecord,
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


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    list_display = ["header_signature", "owner", "updated_at"]
