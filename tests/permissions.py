"""The permission matrix: every page of the project, every role, the expected answer.

Each app lists its pages in `tests/<app>/pages.py` as `PAGES = [Page(...), ...]`;
`tests/test_permission_matrix.py` checks each page for each role and that no URL of the project
is missing from the lists. A page reached by id gets its object from `kwargs(world)`, created in
the unit of `leader@`, so `leader2@` (another district) must be refused.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

ANONYMOUS = "anonymous"
LEADER = "unit_leader"
OTHER_LEADER = "unit_leader_other"
COORDINATOR = "coordinator"
HR = "hr"
VOLUNTEER_COORDINATOR = "volunteer_coordinator"
ADMIN = "admin"

ROLES = [ANONYMOUS, LEADER, OTHER_LEADER, COORDINATOR, HR, VOLUNTEER_COORDINATOR, ADMIN]
LEADERS = frozenset({LEADER, OTHER_LEADER})
PUBLIC = frozenset(ROLES)


@dataclass(frozen=True)
class Page:
    name: str
    allowed: frozenset[str]
    kwargs: Callable[[SimpleNamespace], dict] | None = None
    method: str = "get"
    data: Callable[[SimpleNamespace], dict] | None = None
    ok_status: tuple[int, ...] = (200,)
    denied_status: tuple[int, ...] = (403, 404)
    note: str = field(default="", compare=False)

    @property
    def id(self) -> str:
        return f"{self.name}[{self.method}]"


def roles(*names: str) -> frozenset[str]:
    """Allowed roles; administrators may open every staff page."""
    return frozenset(names) | {ADMIN}
