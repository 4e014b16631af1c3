from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from outbox.models import InboundMessage, Message

CONTENT_FIELDS = ("subject", "body", "html_body", "attachment_names")


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read-only: messages are written by the services that cause them and by the sender. What
    a message says (personal links among it) is shown to administrators only."""

    list_display = [
        "created_at",
        "kind",
        "channel",
        "status",
        "attempts",
        "sent_at",
        "delivery_status",
    ]
    list_filter = ["status", "channel", "delivery_status", "kind"]
    date_hierarchy = "created_at"
    search_fields = ["=recipient", "=idempotency_key"]
    ordering = ["-created_at", "-pk"]
    list_per_page = 50

    def get_fields(self, request, obj=None):
        fields = [
            "channel",
            "recipient",
            "kind",
            "language",
            "status",
            "attempts",
            "last_error",
            "idempotency_key",
            "external_id",
            "created_at",
            "not_before",
            "claimed_at",
            "sent_at",
            "delivery_status",
            "delivery_error",
            "delivery_updated_at",
        ]
        if getattr(request.user, "is_administrator", False):
            fields += CONTENT_FIELDS
        return fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("attachments"))
    def attachment_names(self, obj: Message) -> str:
        return ", ".join(a.get("filename", "") for a in obj.attachments)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    """Read-only record of incoming SMS; it holds no number and no text beyond an answer."""

    list_display = ["received_at", "sender_hint", "outcome", "handled_by", "result", "text"]
    list_filter = ["outcome", "handled_by"]
    date_hierarchy = "received_at"
    ordering = ["-received_at", "-pk"]
    list_per_page = 50
    fields = [
        "received_at",
        "provider_id",
        "sender_hint",
        "outcome",
        "handled_by",
        "result",
        "text",
        "length",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
