from django.contrib import admin

from followups.models import (
    Commitment,
    DigestDelivery,
    FollowUp,
    Preferences,
    QuietPeriod,
    Resource,
)


@admin.register(Preferences)
class PreferencesAdmin(admin.ModelAdmin):
    list_display = ["user", "time_zone", "digest_enabled", "digest_hour"]
    list_filter = ["digest_enabled", "time_zone"]
    search_fields = ["user__username", "user__email"]
    exclude = ["calendar_token"]


@admin.register(QuietPeriod)
class QuietPeriodAdmin(admin.ModelAdmin):
    list_display = ["owner", "contact", "starts_on", "ends_on", "reason"]
    raw_id_fields = ["contact"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "owner", "created_at"]
    list_filter = ["kind"]
    search_fields = ["title", "summary", "url"]
    autocomplete_fields = ["topics"]


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["description", "contact", "direction", "due_on", "status", "kept_on_time"]
    list_filter = ["direction", "status"]
    search_fields = ["description"]
    raw_id_fields = ["contact", "source_interaction"]
    list_select_related = ["contact"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["contact", "kind", "reason", "due_on", "status", "owner"]
    list_filter = ["kind", "status"]
    search_fields = ["reason", "contact__last_name"]
    raw_id_fields = ["contact", "resource", "commitment", "source_interaction"]
    list_select_related = ["contact", "owner"]


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    list_display = ["user", "local_date", "status", "attempts", "item_count", "sent_at"]
    list_filter = ["status"]
    search_fields = ["user__username"]
