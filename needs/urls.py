from django.urls import path

from needs import views

app_name = "needs"
urlpatterns = [
    path("", views.need_list, name="list"),
    path("new/", views.need_create, name="create"),
    path("<int:pk>/", views.need_detail, name="detail"),
    path("<int:pk>/edit/", views.need_edit, name="edit"),
    path("<int:pk>/shifts/", views.need_shifts, name="shifts"),
    path("<int:pk>/submit/", views.need_submit, name="submit"),
    path("<int:pk>/cancel/", views.need_cancel, name="cancel"),
]
