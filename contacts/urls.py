from django.urls import path

from contacts import views

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
]
