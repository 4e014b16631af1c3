from django.test import RequestFactory

from core.pagination import paginate


def test_pagination_keeps_the_filters_and_drops_the_page_number(settings):
    settings.DUGNAD = {**settings.DUGNAD, "PAGE_SIZE": 10}
    request = RequestFactory().get("/x/", {"status": "new", "district": "3", "page": "2"})
    page, query = paginate(request, list(range(25)))
    assert list(page.object_list) == list(range(10, 20))
    assert query == "status=new&district=3"


def test_a_page_number_out_of_range_gives_the_last_page_not_an_error(settings):
    settings.DUGNAD = {**settings.DUGNAD, "PAGE_SIZE": 10}
    request = RequestFactory().get("/x/", {"page": "99"})
    page, _ = paginate(request, list(range(25)))
    assert page.number == 3
    assert list(page.object_list) == list(range(20, 25))


def test_a_malformed_page_number_gives_the_first_page(settings):
    request = RequestFactory().get("/x/", {"page": "abc"})
    page, _ = paginate(request, list(range(5)))
    assert page.number == 1
