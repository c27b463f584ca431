from django.urls import path

from interactions import views

urlpatterns = [
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
]
