from tests.matching.factories import employee, need_with_shifts, offer_sent, proposal_in_home
from tests.permissions import COORDINATOR, PUBLIC, Page, roles


def _proposal(world) -> dict:
    alternative = employee(world)
    world.matching_alternative = alternative.pk
    proposal = proposal_in_home(
        world, alternatives=[{"worker": alternative.pk, "name": "Alt", "cost": 1, "reason": "x"}]
    )
    return {"pk": proposal.pk}


def _need(world) -> dict:
    return {"pk": need_with_shifts(world).pk}


def _offer(world) -> dict:
    offer, _token = offer_sent(world)
    return {"pk": offer.pk}


def _offer_token(world) -> dict:
    _offer, token = offer_sent(world)
    return {"token": token}


PAGES = [
    Page("matching:offer", roles(COORDINATOR), kwargs=_proposal, method="post", ok_status=(302,)),
    Page("matching:offer_all", roles(COORDINATOR), kwargs=_need, method="post", ok_status=(302,)),
    Page("matching:withdraw", roles(COORDINATOR), kwargs=_offer, method="post", ok_status=(302,)),
    Page("matching:remind", roles(COORDINATOR), kwargs=_offer, method="post", ok_status=(302,)),
    Page(
        "matching:auto",
        roles(COORDINATOR),
        kwargs=_need,
        method="post",
        data=lambda w: {"enabled": "on"},
        ok_status=(302,),
    ),
    # the person's own page: the link is the key, whoever holds it
    Page("offers:answer", PUBLIC, kwargs=_offer_token),
    Page(
        "offers:answer",
        PUBLIC,
        kwargs=_offer_token,
        method="post",
        data=lambda w: {"answer": "no"},
    ),
    Page("matching:section_14_3", roles(COORDINATOR)),
    Page("matching:section_14_3_export", roles(COORDINATOR)),
    Page("matching:index", roles(COORDINATOR)),
    Page("matching:run", roles(COORDINATOR), method="post", ok_status=(302,)),
    Page("matching:approve", roles(COORDINATOR), kwargs=_proposal, method="post", ok_status=(302,)),
    Page("matching:approve_all", roles(COORDINATOR), kwargs=_need, method="post", ok_status=(302,)),
    Page("matching:reject", roles(COORDINATOR), kwargs=_proposal),
    Page(
        "matching:reject",
        roles(COORDINATOR),
        kwargs=_proposal,
        method="post",
        data=lambda w: {"reason": "Passer ikke"},
        ok_status=(302,),
    ),
    Page("matching:pick", roles(COORDINATOR), kwargs=_proposal),
    Page(
        "matching:pick",
        roles(COORDINATOR),
        kwargs=_proposal,
        method="post",
        data=lambda w: {"worker": w.matching_alternative},
        ok_status=(302,),
    ),
]


def _selection(world) -> dict:
    proposal = proposal_in_home(world)
    return {"proposals": [proposal.pk]}


PAGES += [
    Page("matching:alternatives", roles(COORDINATOR), kwargs=_proposal, ok_status=(302,)),
    Page(
        "matching:offer_selected",
        roles(COORDINATOR),
        method="post",
        data=_selection,
        ok_status=(302,),
    ),
]


def _shift(world) -> dict:
    return {"pk": need_with_shifts(world).shifts.get().pk}


def _why_not(world) -> dict:
    shift = need_with_shifts(world).shifts.get()
    employee(world, first_name="Spurt")
    return {"q": "Spurt", "shift": shift.pk}


def _assign(world) -> dict:
    return {"worker": employee(world).pk, "said_yes": "on"}


PAGES += [
    Page("matching:why_not", roles(COORDINATOR)),
    Page("matching:why_not", roles(COORDINATOR), method="post", data=_why_not),
    Page(
        "matching:assign",
        roles(COORDINATOR),
        kwargs=_shift,
        method="post",
        data=_assign,
        ok_status=(302,),
    ),
]
