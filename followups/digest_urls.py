from django.urls import path

from followups import digest_views

urlpatterns = [
    path("settings/", digest_views.preferences, name="preferences"),
    path("digest/preview/", digest_views.digest_preview, name="digest_preview"),
    path(
        "digest/preview/<str:signature>/email.html",
        digest_views.digest_preview_email,
        name="digest_preview_email",
    ),
    path(
        "email/followups/<str:token>/",
        digest_views.followup_email_action,
        name="followup_email_action",
    ),
    path(
        "email/unsubscribe/<str:token>/",
        digest_views.digest_unsubscribe,
        name="digest_unsubscribe",
    ),
]
