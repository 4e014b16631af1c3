from inventory.models import Answer
from tests.inventory.factories import answer_data, link_token, staff, started
from tests.permissions import COORDINATOR, HR, PUBLIC, Page, roles


def _inventory(world):
    # Employees of the leader's own unit: even that leader does not see the answers.
    staff(world, world.home)
    return {"pk": started(world).pk}


def _invitation(world):
    worker = staff(world, world.home)
    return {"pk": started(world).invitations.get(worker=worker).pk}


def _answer(world):
    worker = staff(world, world.home)
    inventory = started(world)
    from inventory.services import answer_save

    invitation = inventory.invitations.get(worker=worker)
    answer_save(
        invitation=invitation,
        data={"willing": "yes", "capacity": "none", "qualifications": [world.quals["assistent"]]},
    )
    return {"pk": Answer.objects.get(invitation=invitation).pk}


def _token(world):
    worker = staff(world, world.home)
    started(world)
    return {"token": link_token(worker)}


def _answer_post(world):
    data = answer_data(world)
    data["qualifications"] = [world.quals["assistent"].pk]
    return data


PAGES = [
    Page("inventory:list", roles(COORDINATOR, HR)),
    Page("inventory:start", roles(COORDINATOR)),
    Page(
        "inventory:start",
        roles(COORDINATOR),
        method="post",
        data=lambda w: {"title": ""},
        ok_status=(400,),
    ),
    Page("inventory:detail", roles(COORDINATOR, HR), kwargs=_inventory),
    Page(
        "inventory:remind",
        roles(COORDINATOR),
        kwargs=_inventory,
        method="post",
        data=lambda w: {"round": "1"},
        ok_status=(302,),
    ),
    Page(
        "inventory:resend",
        roles(COORDINATOR, HR),
        kwargs=_invitation,
        method="post",
        ok_status=(302,),
    ),
    Page("inventory:queue", roles(COORDINATOR, HR)),
    Page("inventory:answer", roles(COORDINATOR, HR), kwargs=_answer),
    Page(
        "inventory:answer",
        roles(COORDINATOR, HR),
        kwargs=_answer,
        method="post",
        data=lambda w: {"decision": "verify", "qualifications": [w.quals["assistent"].pk]},
        ok_status=(302,),
    ),
    # the employee's own page: the link is the key, whoever holds it
    Page("inventory_link:answer", PUBLIC, kwargs=_token),
    Page(
        "inventory_link:answer",
        PUBLIC,
        kwargs=_token,
        method="post",
        data=_answer_post,
        ok_status=(302,),
    ),
    Page("inventory_link:opened", PUBLIC, kwargs=_token, method="post", ok_status=(204,)),
]
