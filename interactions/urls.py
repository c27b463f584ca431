from django.urls import path

from interactions import views
from interactions.drafting import views as drafting_views

urlpatterns = [
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/brief/", views.event_brief, name="event_brief"),
    path("events/<int:pk>/met/", views.event_met, name="event_met"),
    path(
        "events/<int:pk>/attendees/<int:attendance_pk>/target/",
        views.attendance_target,
        name="event_attendance_target",
    ),
    path(
        "events/<int:pk>/attendees/<int:attendance_pk>/prep/",
        views.attendance_prep,
        name="event_attendance_prep",
    ),
    # Draft helper (interactions/drafting/)
    path("contacts/<int:pk>/draft/", drafting_views.draft, name="draft"),
    path("contacts/<int:pk>/draft/check/", drafting_views.draft_check, name="draft_check"),
    path("contacts/<int:pk>/draft/log/", drafting_views.draft_log, name="draft_log"),
    path("drafts/templates/", drafting_views.template_list, name="draft_template_list"),
    path("drafts/templates/new/", drafting_views.template_create, name="draft_template_create"),
    path(
        "drafts/templates/<int:pk>/", drafting_views.template_update, name="draft_template_update"
    ),
    path(
        "drafts/templates/<int:pk>/delete/",
        drafting_views.template_delete,
        name="draft_template_delete",
    ),
    # End of draft helper
]
