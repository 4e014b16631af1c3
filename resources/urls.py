from django.urls import path

from resources import views

app_name = "resources"
urlpatterns = [
    path("", views.register, name="register"),
    path("export.csv", views.register_export_csv, name="export_csv"),
    path("export.xlsx", views.register_export_xlsx, name="export_xlsx"),
    path("<int:pk>/", views.person, name="person"),
    path("<int:pk>/credential/", views.credential_update, name="credential"),
    path("<int:pk>/absence/", views.absence_add, name="absence_add"),
    path("absence/<int:pk>/delete/", views.absence_delete, name="absence_delete"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:pk>/", views.staff_person, name="staff_person"),
    path("staff/release/<int:pk>/recall/", views.release_recall, name="release_recall"),
    path("staff/confirm/<int:pk>/", views.redeployment_confirm, name="confirm"),
    path("import/", views.people_import_upload, name="import"),
    path("import/<int:pk>/", views.people_import_detail, name="import_detail"),
    path("import/<int:pk>/apply/", views.people_import_apply, name="import_apply"),
]
