from django.urls import path

from outbox import webhooks

urlpatterns = [
    path("status/", webhooks.sms_status, name="sms-status"),
    path("inbound/", webhooks.sms_inbound, name="sms-inbound"),
]
