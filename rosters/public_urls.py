from django.urls import path

from rosters import views

# The personal calendar link: the token is the key, so it is masked in every log (core/logs.py).
app_name = "calendar"
urlpatterns = [
    path("<str:token>/", views.feed, name="feed"),
    path("<str:token>/revoke/", views.feed_revoke_by_link, name="revoke"),
]
