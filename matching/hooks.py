"""What matching registers with the apps below it (from MatchingConfig.ready())."""

from django.db.models import QuerySet

from matching.models import MatchingRun, Proposal
from matching.notices import people_tell_shifts_cancelled, people_tell_shifts_changed
from matching.offer_sms import offers_sms_answer
from matching.services import proposals_discard_for_shifts, proposals_worker_erase
from matching.triggers import request_matching_resolve
from matching.views import need_slots_section
from needs import hooks as needs_hooks
from outbox.inbound import register_inbound_handler
from staffing import erasure


def _proposed_rows() -> QuerySet[Proposal]:
    return Proposal.objects.filter(status=Proposal.Status.PROPOSED)


def _resolve_after_cancel(*, shift_ids: list[int], **_context: object) -> None:
    """Whoever was proposed for the cancelled shifts is free again: re-solve around them."""
    request_matching_resolve(trigger=MatchingRun.Trigger.NEED_CHANGED, freed_shift_ids=shift_ids)


def _resolve_after_change(*, shift_ids: list[int], **_context: object) -> None:
    """The shifts ask for something else: re-solve them and around the people they freed."""
    request_matching_resolve(
        trigger=MatchingRun.Trigger.NEED_CHANGED, shift_ids=shift_ids, freed_shift_ids=shift_ids
    )


def register() -> None:
    # the people go first: they are told while their offers still wait
    needs_hooks.on_shifts_cancelled(people_tell_shifts_cancelled)
    needs_hooks.on_shifts_changed(people_tell_shifts_changed)
    needs_hooks.on_shifts_cancelled(proposals_discard_for_shifts)
    needs_hooks.on_shifts_changed(proposals_discard_for_shifts)
    needs_hooks.register_need_section(need_slots_section)
    # after the discard above (hooks run in the order registered; the re-solve runs on commit)
    needs_hooks.on_shifts_cancelled(_resolve_after_cancel)
    needs_hooks.on_shifts_changed(_resolve_after_change)
    needs_hooks.register_counter("proposed", _proposed_rows)
    erasure.register(proposals_worker_erase)
    # answers to offers by SMS (JA/NEI)
    register_inbound_handler("offers", offers_sms_answer)
