from placements.models import ChecklistItem
from tests.permissions import COORDINATOR, HR, LEADERS, Page, roles
from tests.placements.factories import make_placement
from tests.staffing.factories import WorkerFactory


def _placement(world):
    return make_placement(unit=world.home)


def _simple_item(world):
    return _placement(world).checklist_items.get(item_type="hr_registration")


def _status_done_data():
    # kwargs() runs first and creates the item; its form fields carry its id as prefix.
    pk = ChecklistItem.objects.filter(item_type="hr_registration").latest("pk").pk
    return {f"item-{pk}-status": "done", f"item-{pk}-reason": "", f"item-{pk}-note": ""}


def _checklist_data():
    pk = ChecklistItem.objects.filter(item_type="hr_registration").latest("pk").pk
    return {f"item-{pk}-status": "done", f"item-{pk}-reason": "", f"item-{pk}-note": "Registrert"}


def _unverified_nurse(world):
    return WorkerFactory(hpr_number="1234567", qualifications=[world.quals["sykepleier"]])


PAGES = [
    Page("placements:hpr_queue", roles(HR)),
    Page(
        "placements:hpr_verify",
        roles(HR),
        kwargs=lambda w: {"pk": _unverified_nurse(w).pk},
        method="post",
        ok_status=(302,),
    ),
    Page("placements:onboarding", roles(HR)),
    Page("placements:onboarding_people", roles(HR)),
    Page(
        "placements:onboarding_people",
        roles(HR),
        method="post",
        data=lambda w: {"q": "Kari"},
        ok_status=(302,),
    ),
    Page(
        "placements:bulk_done",
        roles(HR),
        method="post",
        data=lambda w: {"items": [_simple_item(w).pk]},
        ok_status=(302,),
    ),
    Page("placements:placements", roles(HR, COORDINATOR, *LEADERS)),
    Page("placements:placement_detail", roles(HR), kwargs=lambda w: {"pk": _placement(w).pk}),
    Page(
        "placements:checklist_save",
        roles(HR),
        kwargs=lambda w: {"pk": _placement(w).pk},
        method="post",
        data=lambda w: _checklist_data(),
        ok_status=(302,),
    ),
    Page(
        "placements:worker_contact",
        roles(HR),
        kwargs=lambda w: {"pk": _placement(w).pk},
        method="post",
        data=lambda w: {"email": "ny@example.test", "phone": "+4790000000"},
        ok_status=(302,),
    ),
    Page(
        "placements:item_update",
        roles(HR),
        kwargs=lambda w: {"pk": _simple_item(w).pk},
        method="post",
        data=lambda w: _status_done_data(),
        ok_status=(302,),
    ),
]
