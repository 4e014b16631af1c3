"""Who answers an incoming SMS. Apps register a handler in their AppConfig.ready():

    from outbox.inbound import register_inbound_handler
    register_inbound_handler("offers", offers_sms_answer)

A handler gets the sender's number (E.164) and the text, and returns None when the number is
none of its business, or an `InboundReply` when it is: the reply to send back (in the person's
language) and a short result for the record. Handlers are asked in the order they registered;
the first that claims the number answers. `outbox.services.sms_inbound_receive` records every
SMS and sends the reply through the outbox."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class InboundReply:
    reply: str  # what to send back; "" sends nothing
    result: str  # what happened, for the record (e.g. "offer_accepted"); no personal data
    understood: bool = True  # False: the number is known, the text was not an answer
    answer: str = ""  # the answer as understood (e.g. "JA K7M2P"), kept in the record
    language: str = ""


InboundHandler = Callable[[str, str], "InboundReply | None"]

_handlers: list[tuple[str, InboundHandler]] = []


def register_inbound_handler(name: str, handler: InboundHandler) -> None:
    """Add a handler once (ready() may run twice in tests)."""
    if any(existing == name for existing, _h in _handlers):
        return
    _handlers.append((name, handler))


def inbound_handlers() -> list[tuple[str, InboundHandler]]:
    return list(_handlers)
