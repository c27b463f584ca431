from django.urls import path

from contacts import export_views

urlpatterns = [
    path("", export_views.export_page, name="contacts_export"),
    path("contacts.csv", export_views.export_csv, name="contacts_export_csv"),
    path("contacts.vcf", export_views.export_vcard, name="contacts_export_vcard"),
    path("archive.json", export_views.export_archive, name="contacts_export_archive"),
    path("restore/", export_views.archive_restore, name="contacts_archive_restore"),
]
