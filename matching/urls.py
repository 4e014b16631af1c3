from django.urls import path

from matching import views

app_name = "matching"
urlpatterns = [
    path("", views.index, name="index"),
    path("run/", views.run_start, name="run"),
    path("proposals/<int:pk>/approve/", views.proposal_approve, name="approve"),
    path("proposals/<int:pk>/reject/", views.proposal_reject, name="reject"),
    path("proposals/<int:pk>/alternative/", views.proposal_pick, name="pick"),
    path("proposals/<int:pk>/alternatives/", views.proposal_alternatives, name="alternatives"),
    path("why-not/", views.why_not, name="why_not"),
    path("shifts/<int:pk>/assign/", views.shift_assign, name="assign"),
    path("proposals/offer/", views.proposals_offer_selected, name="offer_selected"),
    path("needs/<int:pk>/approve/", views.need_approve_all, name="approve_all"),
    path("proposals/<int:pk>/offer/", views.proposal_offer, name="offer"),
    path("needs/<int:pk>/offer/", views.need_offer_all, name="offer_all"),
    path("offers/<int:pk>/withdraw/", views.offer_withdraw, name="withdraw"),
    path("offers/<int:pk>/remind/", views.offer_remind, name="remind"),
    path("needs/<int:pk>/auto/", views.need_auto_offer, name="auto"),
    path("section-14-3/", views.section_14_3_report, name="section_14_3"),
    path("section-14-3/export/", views.section_14_3_export, name="section_14_3_export"),
]
