from tests.permissions import COORDINATOR, LEADERS, Page, roles

PAGES = [
    Page("needs:list", roles(*LEADERS, COORDINATOR)),
]
