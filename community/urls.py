from django.urls import path

from community import views

app_name = "community"
urlpatterns = [
    # public, no log-in; the task link carries a random token, never personal data
    path("help/", views.help_form, name="help"),
    path("help/thanks/", views.help_thanks, name="help_thanks"),
    path("help/privacy/", views.help_privacy, name="help_privacy"),
    path("task/<str:token>/", views.task_answer, name="task_answer"),
    path("task/<str:token>/report/", views.task_report, name="task_report"),
    # volunteer coordinator
    path("community/", views.request_list, name="request_list"),
    path("community/requests/new/", views.request_create, name="request_create"),
    path("community/requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("community/requests/<int:pk>/accept/", views.request_accept, name="request_accept"),
    path("community/requests/<int:pk>/refer/", views.request_refer, name="request_refer"),
    path("community/requests/<int:pk>/close/", views.request_close, name="request_close"),
    path("community/requests/<int:pk>/tasks/", views.task_create, name="task_create"),
    path("community/tasks/", views.task_list, name="task_list"),
    path("community/tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("community/tasks/<int:pk>/send/", views.task_send, name="task_send"),
    path("community/tasks/<int:pk>/end/", views.task_end, name="task_end"),
    path("community/tasks/<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("community/contacts/", views.contacts, name="contacts"),
    path("community/journeys/", views.journey_list, name="journey_list"),
    path("community/journeys/new/", views.journey_create, name="journey_create"),
    path("community/journeys/<int:pk>/", views.journey_detail, name="journey_detail"),
    path("community/journeys/<int:pk>/steps/<int:step>/", views.journey_step, name="journey_step"),
    path("community/report/", views.report, name="report"),
    path("community/report/export.csv", views.report_export, name="report_export"),
]
