from tests.permissions import HR, Page, roles

PAGES = [
    Page("staffing:onboarding", roles(HR)),
]
