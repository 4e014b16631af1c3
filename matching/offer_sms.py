"""Answers to offers by SMS: the person replies JA or NEI (YES/NO; any case, spaces around),
with the offer's short code when several offers wait for their number. Registered with the
outbox's inbound registry in MatchingConfig.ready(); the offer's own rules (deadline,
withdrawn, answered twice, the re-check under the row lock) are `offer_accept`/`offer_decline`'s.
"""

from __future__ import annotations

import re

from django.utils import translation
from django.utils.translation import gettext as _

from core.dates import format_local
from matching.models import Offer
from matching.offers import Answer, offer_accept, offer_decline
from outbox.inbound import InboundReply
from outbox.sms import sms_text

YES = {"JA", "J", "YES", "Y", "JAA", "JEPP"}
NO = {"NEI", "N", "NO", "NEJ", "NAI"}
# Politeness around an answer ("ja takk", "nei tack") does not make it something else.
FILLER = {
    "KODE",
    "CODE",
    "TAKK",
    "TUSEN",
    "TACK",
    "THANKS",
    "THANK",
    "YOU",
    "OK",
    "GJERNE",
    "SORRY",
    "BEKLAGER",
}
CODE_RE = re.compile(r"^[A-HJ-NP-Z2-9]{5}$")
# Offers older than this are not looked at for an answer (the record stays).
RECENT = 50


def parse_answer(text: str) -> tuple[str | None, str | None]:
    """("yes" | "no" | None, code | None) from a reply such as " ja k7m2p " or "K7M2P NEI"."""
    words = re.findall(r"[A-ZÆØÅ0-9]+", (text or "").upper())
    answer = code = None
    for word in words:
        if word in YES and answer is None:
            answer = "yes"
        elif word in NO and answer is None:
            answer = "no"
        elif CODE_RE.match(word) and code is None:
            code = word
        elif word in FILLER:
            continue
        else:
            return None, code  # more than an answer and a code: not an answer
    return answer, code


def _when(offer: Offer) -> str:
    start = format_local(offer.shift.start, "SHORT_WEEKDAY_MONTH_DAY_TIME_FORMAT")
    return f"{offer.shift.need.unit.name[:40]}, {start}"


def _reply(offer: Offer | None, text: str, *, result: str, answer: str = "", understood=True):
    language = offer.language if offer is not None else ""
    return InboundReply(
        reply=sms_text(f"Dugnad: {text}"),
        result=result,
        understood=understood,
        answer=answer,
        language=language,
    )


def offers_sms_answer(number: str, text: str) -> InboundReply | None:
    offers = list(
        Offer.objects.filter(phone=number)
        .select_related("shift__need__unit")
        .order_by("-sent_at", "-pk")[:RECENT]
    )
    if not offers:
        return None  # not a number we sent offers to
    answer, code = parse_answer(text)
    waiting = [o for o in offers if o.is_open]
    latest = waiting[0] if waiting else offers[0]
    with translation.override(latest.language):
        if answer is None:
            hint = f" {waiting[0].code}" if len(waiting) == 1 else ""
            return _reply(
                latest,
                _(
                    "We did not understand your answer. Reply YES%(code)s or NO%(code)s, "
                    "or answer with the link in the offer."
                )
                % {"code": hint},
                result="not_an_answer",
                understood=False,
            )
        if code is not None:
            chosen = next((o for o in offers if o.code == code), None)
            if chosen is None:
                return _reply(
                    latest,
                    _("We found no offer with the code %(code)s for this number. Nothing changed.")
                    % {"code": code},
                    result="unknown_code",
                    answer=f"{answer} {code}",
                )
        elif len(waiting) > 1:
            listed = "; ".join(f"{o.code} {_when(o)}" for o in waiting[:3])
            return _reply(
                latest,
                _(
                    "You have %(n)s offers waiting. Reply YES or NO with the code, "
                    "e.g. YES %(code)s: %(list)s"
                )
                % {"n": len(waiting), "code": waiting[0].code, "list": listed},
                result="code_needed",
                answer=answer,
            )
        else:
            chosen = latest
    result: Answer = offer_accept(offer=chosen) if answer == "yes" else offer_decline(offer=chosen)
    with translation.override(chosen.language):
        if result.outcome == "accepted":
            # The confirmation with what happens next leaves by the offer's channels.
            return InboundReply(reply="", result="offer_accepted", answer=f"{answer} {chosen.code}")
        if result.outcome == "declined":
            text = _("Thank you for answering. You have said no to %(when)s.") % {
                "when": _when(chosen)
            }
        else:
            text = f"{result.message} ({chosen.code})"
        return _reply(
            chosen, text, result=f"offer_{result.outcome}", answer=f"{answer} {chosen.code}"
        )
