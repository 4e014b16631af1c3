from django.contrib import admin

from matching.models import MatchingRun, Offer, Proposal, ProposalRejection, UnfilledSlot


@admin.register(MatchingRun)
class MatchingRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "trigger", "status", "created_at", "slots", "candidates", "filled"]
    list_filter = ["status", "trigger"]
    readonly_fields = [f.name for f in MatchingRun._meta.fields]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["pk", "shift", "slot_index", "worker", "status", "cost"]
    list_filter = ["status"]
    raw_id_fields = ["run", "shift", "worker", "decided_by", "placement"]
    list_select_related = ["shift", "worker"]


@admin.register(ProposalRejection)
class ProposalRejectionAdmin(admin.ModelAdmin):
    list_display = ["worker", "shift", "reason", "rejected_by", "rejected_at"]
    raw_id_fields = ["worker", "shift", "rejected_by"]


@admin.register(UnfilledSlot)
class UnfilledSlotAdmin(admin.ModelAdmin):
    list_display = ["run", "shift", "slot_index", "reason"]
    raw_id_fields = ["run", "shift"]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    """The § 14-3 record: read only, it is what was offered and answered."""

    list_display = ["code", "worker", "shift", "status", "sent_at", "deadline", "answered_at"]
    list_filter = ["status", "channel"]
    raw_id_fields = ["proposal", "worker", "shift", "sent_by", "closed_by", "placement"]
    list_select_related = ["worker", "shift"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
