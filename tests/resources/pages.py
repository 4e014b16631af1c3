from staffing.models import PeopleImport, WorkerSource
from tests.permissions import COORDINATOR, HR, Page, roles
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
    Page(
        "resources:person",
        roles(COORDINATOR),
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
