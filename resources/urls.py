from django.urls import path

from resources import views

app_name = "resources"
urlpatterns = [
    path("import/", views.people_import_upload, name="import"),
    path("import/<int:pk>/", views.people_import_detail, name="import_detail"),
    path("import/<int:pk>/apply/", views.people_import_apply, name="import_apply"),
]
