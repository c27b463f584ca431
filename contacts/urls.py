from django.urls import path

from contacts import import_views, views

urlpatterns = [
    path("", views.contact_list, name="contact_list"),
    path("new/", views.contact_create, name="contact_create"),
    path("bulk/", views.contact_bulk, name="contact_bulk"),
    path("restore/", views.contacts_restore, name="contacts_restore"),
    path("<int:pk>/", views.contact_detail, name="contact_detail"),
    path("<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("<int:pk>/archive/", views.contact_archive, name="contact_archive"),
    path("<int:pk>/introduce/", views.contact_introduce, name="contact_introduce"),
    path("<int:pk>/merge/", views.contact_merge, name="contact_merge"),
    path("import/", import_views.import_upload, name="import_upload"),
    path("import/<int:pk>/", import_views.import_preview, name="import_preview"),
    path("import/<int:pk>/mapping/", import_views.import_mapping, name="import_mapping"),
    path("import/<int:pk>/commit/", import_views.import_commit_view, name="import_commit"),
    path("import/<int:pk>/result/", import_views.import_result, name="import_result"),
    path("import/<int:pk>/undo/", import_views.import_undo_view, name="import_undo"),
]
