from django.urls import path

from placements import views

app_name = "placements"
urlpatterns = [
    path("", views.onboarding_queue, name="onboarding"),
    path("people/", views.onboarding_people, name="onboarding_people"),
    path("bulk-done/", views.onboarding_bulk_done, name="bulk_done"),
    path("placements/", views.placement_overview, name="placements"),
    path("placements/<int:pk>/", views.placement_detail, name="placement_detail"),
    path("placements/<int:pk>/checklist/", views.checklist_save, name="checklist_save"),
    path("placements/<int:pk>/contact/", views.worker_contact_update, name="worker_contact"),
    path("items/<int:pk>/", views.checklist_item_update, name="item_update"),
    path("hpr/", views.hpr_queue, name="hpr_queue"),
    path("hpr/<int:pk>/verify/", views.hpr_verify, name="hpr_verify"),
]
