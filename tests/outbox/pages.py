"""The SMS provider's webhooks: public URLs, but no role (and nobody anonymous) gets anything
without the provider's signature. Signed requests are tested in tests/outbox/test_sms.py."""

from tests.permissions import PUBLIC, Page


def _receipt(world) -> dict:
    return {"MessageSid": "SM1", "MessageStatus": "failed"}


def _inbound(world) -> dict:
    return {"MessageSid": "SM2", "From": "+4791234567", "Body": "JA"}


PAGES = [
    Page("sms-status", PUBLIC, method="post", data=_receipt, ok_status=(403,)),
    Page("sms-inbound", PUBLIC, method="post", data=_inbound, ok_status=(403,)),
]
