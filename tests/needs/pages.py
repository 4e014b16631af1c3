from needs.models import Need
from tests.needs.factories import NeedFactory, ShiftFactory
from tests.permissions import COORDINATOR, LEADER, LEADERS, Page, roles


def _need(world, state=Need.State.SUBMITTED) -> dict:
    need = NeedFactory(
        unit=world.home,
        qualification=world.quals["sykepleier"],
        created_by=world.leader,
        state=state,
    )
    ShiftFactory(need=need)
    return {"pk": need.pk}


def _draft(world) -> dict:
    return _need(world, Need.State.DRAFT)


PAGES = [
    Page("needs:list", roles(*LEADERS, COORDINATOR)),
    Page("needs:create", roles(*LEADERS)),
    Page("needs:detail", roles(LEADER, COORDINATOR), kwargs=_need),
    Page("needs:edit", roles(LEADER), kwargs=_need),
    Page("needs:shifts", roles(LEADER), kwargs=_draft),
    Page("needs:cancel", roles(LEADER), kwargs=_need),
    Page(
        "needs:submit",
        roles(LEADER),
        kwargs=_draft,
        method="post",
        ok_status=(302,),
    ),
]
