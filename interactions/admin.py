from django.contrib import admin

from interactions.models import Attendance, Event, Interaction, MessageTemplate


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["contact", "occurred_at", "channel", "direction", "purpose", "value", "owner"]
    list_filter = ["channel", "direction", "purpose", "value"]
    search_fields = ["summary", "contact__first_name", "contact__last_name"]
    date_hierarchy = "occurred_at"
    list_select_related = ["contact", "owner"]
    raw_id_fields = ["contact", "event", "resource"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    raw_id_fields = ["contact"]
    fields = ["contact", "role", "is_target", "met"]
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "starts_on", "ends_on", "location", "owner"]
    list_filter = ["kind"]
    search_fields = ["name", "location"]
    date_hierarchy = "starts_on"
    inlines = [AttendanceInline]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["contact", "event", "role", "is_target", "met", "owner"]
    list_filter = ["role", "is_target", "met"]
    raw_id_fields = ["contact", "event"]
    list_select_related = ["contact", "event", "owner"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "purpose", "owner"]
    list_filter = ["purpose"]
    search_fields = ["name", "body"]
