from django.contrib import admin
from django.urls import include, path

from config.health import healthz

admin.site.site_header = "Rapport administration"
admin.site.site_title = "Rapport admin"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("contacts/export/", include("contacts.export_urls")),
    path("contacts/", include("contacts.urls")),
    path("", include("interactions.urls")),
    path("", include("followups.urls")),
    path("", include("followups.calendar_urls")),
]
