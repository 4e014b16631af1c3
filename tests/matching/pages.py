from tests.permissions import COORDINATOR, Page, roles

PAGES = [
    Page("matching:index", roles(COORDINATOR)),
]
