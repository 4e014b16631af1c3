from django.urls import path

from inventory import views

app_name = "inventory"
urlpatterns = [
    path("", views.inventory_list, name="list"),
    path("new/", views.inventory_start, name="start"),
    path("<int:pk>/", views.inventory_detail, name="detail"),
    path("<int:pk>/remind/", views.inventory_remind, name="remind"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="resend"),
    path("answers/", views.answer_queue, name="queue"),
    path("answers/<int:pk>/", views.answer_review, name="answer"),
]
