"""Answers to residents' tasks by SMS: the volunteer replies JA or NEI (YES/NO) with the task's
short code, or without it when only one task waits for their number. Registered with the
outbox's inbound registry in CommunityConfig.ready(); a number with no waiting task, or a code
that is not one of ours, is left to the other handlers (shift offers)."""

from __future__ import annotations

import re

from django.utils import translation
from django.utils.translation import gettext as _

from community.models import TaskOffer
from community.services import task_offer_accept, task_offer_decline
from outbox.inbound import InboundReply
from outbox.sms import sms_text

YES = {"JA", "J", "YES", "Y", "JEPP"}
NO = {"NEI", "N", "NO", "NEJ"}
FILLER = {"KODE", "CODE", "TAKK", "TUSEN", "THANKS", "OK", "GJERNE", "BEKLAGER", "SORRY"}
CODE_RE = re.compile(r"^[A-HJ-NP-Z2-9]{5}$")


def parse_answer(text: str) -> tuple[str | None, str | None]:
    """("yes" | "no" | None, code | None) from a reply such as " ja k7m2p "."""
    answer = code = None
    for word in re.findall(r"[A-ZÆØÅ0-9]+", (text or "").upper()):
        if word in YES and answer is None:
            answer = "yes"
        elif word in NO and answer is None:
            answer = "no"
        elif CODE_RE.match(word) and code is None:
            code = word
        elif word not in FILLER:
            return None, code
    return answer, code


def _reply(offer: TaskOffer, text: str, *, result: str, answer: str = "", understood=True):
    return InboundReply(
        reply=sms_text(f"Dugnad: {text}"),
        result=result,
        understood=understood,
        answer=answer,
        language=offer.language,
    )


def task_sms_answer(number: str, text: str) -> InboundReply | None:
    waiting = list(
        TaskOffer.objects.pending()
        .filter(phone=number, volunteer__erased_at__isnull=True)
        .select_related("task__request")
        .order_by("-sent_at", "-pk")[:20]
    )
    if not waiting:
        return None
    answer, code = parse_answer(text)
    if code is not None:
        chosen = next((o for o in waiting if o.code == code), None)
        if chosen is None:
            return None  # perhaps a shift offer's code
    elif len(waiting) == 1:
        chosen = waiting[0]
    else:
        with translation.override(waiting[0].language):
            codes = ", ".join(o.code for o in waiting[:3])
            return _reply(
                waiting[0],
                _("Several tasks wait for your answer. Reply YES or NO with the code: %(codes)s")
                % {"codes": codes},
                result="task_code_needed",
                answer=answer or "",
                understood=answer is not None,
            )
    with translation.override(chosen.language):
        if answer is None:
            return _reply(
                chosen,
                _("We did not understand your answer. Reply YES %(code)s or NO %(code)s.")
                % {"code": chosen.code},
                result="task_not_an_answer",
                understood=False,
            )
        if answer == "yes":
            result = task_offer_accept(offer=chosen)
            if result.outcome == "accepted":
                # the confirmation leaves by the volunteer's channels (task_accepted)
                return InboundReply(reply="", result="task_accepted", answer=f"yes {chosen.code}")
        else:
            result = task_offer_decline(offer=chosen)
        return _reply(
            chosen,
            f"{result.message} ({chosen.code})",
            result=f"task_{result.outcome}",
            answer=f"{answer} {chosen.code}",
        )
