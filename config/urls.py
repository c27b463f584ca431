from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.health import healthz
from config.ratelimit import ratelimit

admin.site.site_header = "Rapport administration"
admin.site.site_title = "Rapport admin"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path(
        "accounts/password_reset/",
        ratelimit("password-reset", limit=5, window_seconds=3600)(
            auth_views.PasswordResetView.as_view()
        ),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("contacts/export/", include("contacts.export_urls")),
    path("contacts/", include("contacts.urls")),
    path("", include("interactions.urls")),
    path("", include("followups.urls")),
    path("", include("followups.digest_urls")),
    path("", include("followups.calendar_urls")),
]
