from tests.permissions import PUBLIC, Page

PAGES = [
    # Anonymous visitors get the landing page; staff are sent to their role's start page.
    Page("home", PUBLIC, ok_status=(200, 302)),
    Page("account_login", PUBLIC, ok_status=(200, 302)),
]
