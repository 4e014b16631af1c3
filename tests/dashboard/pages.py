from tests.permissions import COORDINATOR, LEADER, OTHER_LEADER, Page, roles

PAGES = [
    Page("dashboard:coverage", roles(COORDINATOR, LEADER, OTHER_LEADER)),
]
