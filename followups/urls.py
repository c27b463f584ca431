from django.urls import path

from followups import resource_views, views
from interactions.quicklog import quicklog, quicklog_people

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("today/<slug:key>/", views.agenda_section, name="agenda_section"),
    path("today/<int:contact_pk>/done/", views.row_done, name="row_done"),
    path("today/<int:contact_pk>/snooze/", views.row_snooze, name="row_snooze"),
    path("today/<int:contact_pk>/dismiss/", views.row_dismiss, name="row_dismiss"),
    path("log/", quicklog, name="quicklog"),
    path("log/people/", quicklog_people, name="quicklog_people"),
    path("commitments/", resource_views.commitment_list, name="commitment_list"),
    path("commitments/new/", resource_views.commitment_create, name="commitment_create"),
    path("commitments/<int:pk>/", resource_views.commitment_edit, name="commitment_edit"),
    path("commitments/<int:pk>/close/", resource_views.commitment_close, name="commitment_close"),
    path("resources/", resource_views.resource_list, name="resource_list"),
    path("resources/new/", resource_views.resource_create, name="resource_create"),
    path("resources/<int:pk>/", resource_views.resource_edit, name="resource_edit"),
]
