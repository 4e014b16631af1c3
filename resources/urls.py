from django.urls import path

from resources import views

app_name = "resources"
urlpatterns = [
    path("", views.register, name="register"),
    path("export.csv", views.register_export_csv, name="export_csv"),
    path("export.xlsx", views.register_export_xlsx, name="export_xlsx"),
    path("<int:pk>/", views.person, name="person"),
    path("import/", views.people_import_upload, name="import"),
    path("import/<int:pk>/", views.people_import_detail, name="import_detail"),
    path("import/<int:pk>/apply/", views.people_import_apply, name="import_apply"),
]
