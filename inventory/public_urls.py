"""The employee's own page in an inventory: no account, only the link."""

from django.urls import path

from inventory import views

app_name = "inventory_link"
urlpatterns = [
    path("<str:token>/", views.answer, name="answer"),
    path("<str:token>/opened/", views.answer_opened, name="opened"),
]
