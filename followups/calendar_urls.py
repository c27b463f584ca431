from django.urls import path

from followups import calendar_views

urlpatterns = [
    path("calendar/", calendar_views.calendar_settings, name="calendar_settings"),
    path("calendar/regenerate/", calendar_views.calendar_regenerate, name="calendar_regenerate"),
    path("calendar/<slug:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
]
