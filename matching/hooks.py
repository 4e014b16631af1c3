"""What matching registers with the apps below it (from MatchingConfig.ready())."""

from django.db.models import QuerySet

from matching.models import Proposal
from matching.notices import people_tell_shifts_cancelled, people_tell_shifts_changed
from matching.offer_sms import offers_sms_answer
from matching.services import proposals_discard_for_shifts, proposals_worker_erase
from matching.views import need_slots_section
from needs import hooks as needs_hooks
from outbox.inbound import register_inbound_handler
from staffing import erasure


def _proposed_rows() -> QuerySet[Proposal]:
    return Proposal.objects.filter(status=Proposal.Status.PROPOSED)


def register() -> None:
    # the people go first: they are told while their offers still wait
    needs_hooks.on_shifts_cancelled(people_tell_shifts_cancelled)
    needs_hooks.on_shifts_changed(people_tell_shifts_changed)
    needs_hooks.on_shifts_cancelled(proposals_discard_for_shifts)
    needs_hooks.on_shifts_changed(proposals_discard_for_shifts)
    needs_hooks.register_need_section(need_slots_section)
    needs_hooks.register_counter("proposed", _proposed_rows)
    erasure.register(proposals_worker_erase)
    # answers to offers by SMS (JA/NEI)
    register_inbound_handler("offers", offers_sms_answer)
