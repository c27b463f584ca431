from django.urls import path

from contacts import import_views, views

urlpatterns = [
    path("", views.contact_list, name="contact_list"),
    path("<int:pk>/", views.contact_detail, name="contact_detail"),
    path("import/", import_views.import_upload, name="import_upload"),
    path("import/<int:pk>/", import_views.import_preview, name="import_preview"),
    path("import/<int:pk>/mapping/", import_views.import_mapping, name="import_mapping"),
    path("import/<int:pk>/commit/", import_views.import_commit_view, name="import_commit"),
    path("import/<int:pk>/result/", import_views.import_result, name="import_result"),
    path("import/<int:pk>/undo/", import_views.import_undo_view, name="import_undo"),
]
