from django.urls import path

from rosters import views

app_name = "rosters"
urlpatterns = [
    path("", views.week, name="week"),
    path("day/", views.day, name="day"),
    path("export/", views.export_form, name="export"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("people/<int:pk>/calendar-link/", views.feed_manage, name="feed_manage"),
    path("people/<int:pk>/calendar-link/send/", views.feed_issue, name="feed_issue"),
    path("people/<int:pk>/calendar-link/revoke/", views.feed_revoke, name="feed_revoke"),
    path("search/", views.staff_search, name="search"),
]
