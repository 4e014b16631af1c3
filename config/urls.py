from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from accounts.views import home

admin.site.site_header = "Dugnad"
admin.site.site_title = "Dugnad"
# The admin's own log-in has no rate limit; this sends it through allauth's log-in, which has.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("needs/", include("needs.urls")),
    path("matching/", include("matching.urls")),
    path("onboarding/", include("placements.urls")),
    path("resources/inventories/", include("inventory.urls")),
    path("resources/", include("resources.urls")),
    path("inventory/", include("inventory.public_urls")),
    path("rosters/", include("rosters.urls")),
    path("calendar/", include("rosters.public_urls")),
    path("coverage/", include("dashboard.urls")),
    path("offer/", include("matching.public_urls")),
    # the SMS provider's webhooks (signed; outbox/webhooks.py)
    path("sms/", include("outbox.urls")),
    path("", include("volunteers.urls")),
    path("", include("community.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
