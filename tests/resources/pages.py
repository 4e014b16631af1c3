from staffing.models import PeopleImport, WorkerSource
from tests.permissions import COORDINATOR, HR, Page, roles

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


PAGES = [
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
