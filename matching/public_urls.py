"""The person's own page for an offer: no account, only the link."""

from django.urls import path

from matching import views

app_name = "offers"
urlpatterns = [
    path("<str:token>/", views.offer_answer, name="answer"),
]
