from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, queryset) -> tuple[Page, str]:
    """The requested page of `queryset`, and the query string without `page` so that the
    pagination links keep the current filters (templates/includes/pagination.html)."""
    page = Paginator(queryset, settings.DUGNAD["PAGE_SIZE"]).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
