from django.urls import path

from volunteers import views

app_name = "volunteers"
urlpatterns = [
    # public, no log-in; the personal link carries a random token, never personal data
    path("volunteer/", views.register, name="register"),
    path("volunteer/thanks/", views.thanks, name="thanks"),
    path("volunteer/privacy/", views.privacy, name="privacy"),
    path("volunteer/me/<str:token>/", views.me, name="me"),
    path("volunteer/me/<str:token>/pause/", views.me_pause, name="me_pause"),
    path("volunteer/me/<str:token>/withdraw/", views.me_withdraw, name="me_withdraw"),
    path("volunteer/me/<str:token>/export/", views.me_export, name="me_export"),
    path("volunteer/me/<str:token>/course/", views.me_course, name="me_course"),
    # volunteer coordinator
    path("volunteers/", views.queue, name="queue"),
    path("volunteers/export.csv", views.export, name="export"),
    path("volunteers/register/", views.general_register, name="general_register"),
    path("volunteers/register/export.csv", views.register_export, name="register_export"),
    path("volunteers/referrals/", views.referrals, name="referrals"),
    path("volunteers/referrals/export.csv", views.referrals_export, name="referrals_export"),
    path("volunteers/referrals/send/", views.referrals_send, name="referrals_send"),
    path("volunteers/course/", views.courses, name="courses"),
    path("volunteers/course/<int:pk>/", views.course_detail, name="course_detail"),
    path("volunteers/<int:pk>/", views.detail, name="detail"),
    path("volunteers/<int:pk>/screen/", views.screen, name="screen"),
    path("volunteers/<int:pk>/milestone/", views.milestone, name="milestone"),
]
