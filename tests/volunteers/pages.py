from tests.permissions import PUBLIC, VOLUNTEER_COORDINATOR, Page, roles

PAGES = [
    Page("volunteers:register", PUBLIC),
    Page("volunteers:queue", roles(VOLUNTEER_COORDINATOR)),
]
