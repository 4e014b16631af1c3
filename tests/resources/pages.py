import datetime as dt

from staffing.models import PeopleImport, WorkerSource
from tests.permissions import COORDINATOR, HR, LEADER, OTHER_LEADER, Page, roles
from tests.staffing.factories import EmployeeProfileFactory

CSV = b"ansattnummer;fornavn;etternavn;enhet\n5001;Mona;Lie;nordtun\n"


def _checked_import(world):
    return PeopleImport.objects.create(
        filename="hr.csv",
        sha256="x",
        content=CSV,
        source=WorkerSource.EMPLOYEE,
        report={"counts": {"new": 1}},
        created_by=world.hr,
    )


def _employee_of_leaders_unit(world):
    # Even the leader of this person's home unit does not open the register's pages.
    return EmployeeProfileFactory(home_unit=world.home).worker


PAGES = [
    Page("resources:register", roles(COORDINATOR)),
    Page(
        "resources:register",
        roles(COORDINATOR),
        method="post",
        data=lambda w: {"q": "Kari"},
        ok_status=(302,),
    ),
    Page("resources:export_csv", roles(COORDINATOR)),
    Page("resources:export_xlsx", roles(COORDINATOR)),
    # HR opens a person's page too (credential notices, absences); only coordinators the list
    Page(
        "resources:person",
        roles(COORDINATOR, HR),
        kwargs=lambda w: {"pk": _employee_of_leaders_unit(w).pk},
    ),
    Page("resources:import", roles(HR, COORDINATOR)),
    Page(
        "resources:import_detail",
        roles(HR, COORDINATOR),
        kwargs=lambda w: {"pk": _checked_import(w).pk},
    ),
    Page(
        "resources:import_apply",
        roles(HR, COORDINATOR),
        kwargs=lambda w: {"pk": _checked_import(w).pk},
        method="post",
        ok_status=(302,),
    ),
]


def _today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


def _absence(world):
    from staffing.models import Absence

    worker = _employee_of_leaders_unit(world)
    return Absence.objects.create(
        worker=worker, kind="sick", starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2026, 12, 2)
    )


def _release(world):
    from staffing.models import Release

    worker = _employee_of_leaders_unit(world)
    today = _today()
    return Release.objects.create(
        worker=worker,
        home_unit=world.home,
        starts_on=today,
        ends_on=today + dt.timedelta(days=20),
        weekdays="01234",
        share_percent=50,
    )


def _confirmation(world):
    from placements.models import ChecklistItem, ItemType
    from tests.placements.factories import make_placement

    worker = _employee_of_leaders_unit(world)
    placement = make_placement(worker=worker, unit=world.other, source=WorkerSource.EMPLOYEE)
    return ChecklistItem.objects.get(
        placement=placement, item_type=ItemType.HOME_LEADER_CONFIRMATION
    )


PAGES += [
    Page(
        "resources:credential",
        roles(COORDINATOR, HR),
        kwargs=lambda w: {"pk": _employee_of_leaders_unit(w).pk},
        method="post",
        data=lambda w: {"credential": "hpr", "valid_until": "2027-01-31"},
        ok_status=(302,),
    ),
    # a leader registers absences for their own staff only (leader2 gets 404)
    Page(
        "resources:absence_add",
        roles(COORDINATOR, HR, LEADER),
        kwargs=lambda w: {"pk": _employee_of_leaders_unit(w).pk},
        method="post",
        data=lambda w: {
            "absence-kind": "sick",
            "absence-starts_on": "2026-12-01",
            "absence-ends_on": "2026-12-03",
        },
        ok_status=(302,),
    ),
    Page(
        "resources:absence_delete",
        roles(COORDINATOR, HR, LEADER),
        kwargs=lambda w: {"pk": _absence(w).pk},
        method="post",
        ok_status=(302,),
    ),
    # the home unit's leaders: their own staff, never the register
    Page("resources:staff", roles(LEADER, OTHER_LEADER)),
    Page(
        "resources:staff_person",
        roles(LEADER),
        kwargs=lambda w: {"pk": _employee_of_leaders_unit(w).pk},
    ),
    Page(
        "resources:staff_person",
        roles(LEADER),
        kwargs=lambda w: {"pk": _employee_of_leaders_unit(w).pk},
        method="post",
        data=lambda w: {
            "release-starts_on": _today().isoformat(),
            "release-ends_on": (_today() + dt.timedelta(days=20)).isoformat(),
            "release-weekdays": ["0", "1", "2", "3", "4"],
            "release-how": "share",
            "release-share_percent": "50",
        },
        ok_status=(302,),
    ),
    Page(
        "resources:release_recall",
        roles(LEADER),
        kwargs=lambda w: {"pk": _release(w).pk},
        method="post",
        data=lambda w: {"recall-back_on": (_today() + dt.timedelta(days=7)).isoformat()},
        ok_status=(302,),
    ),
    Page(
        "resources:confirm",
        roles(LEADER),
        kwargs=lambda w: {"pk": _confirmation(w).pk},
        method="post",
        ok_status=(302,),
    ),
]
