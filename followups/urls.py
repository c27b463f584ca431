from django.urls import path

from followups import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
