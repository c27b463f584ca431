from django.urls import path

from interactions import views

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
]
