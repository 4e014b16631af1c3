from django.core.exceptions import BadRequest
from django.utils.cache import add_never_cache_headers
from django.views.defaults import bad_request

from core.logs import path_has_token


class DefaultLanguageMiddleware:
    """Norwegian Bokmål unless the person picked another language in the header.

    Many municipal PCs run an English operating system; following the browser's Accept-Language
    would show them English without asking. Placed before LocaleMiddleware, this hides that
    header, so the choice comes from the language cookie (the header's selector) or LANGUAGE_CODE.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class FormEncodingMiddleware:
    """A form body in a charset Django cannot read is a bad request (400), not a server error.

    Django refuses a form body that is not UTF-8 (BadRequest) or names an unknown charset
    (LookupError) when request.POST is first read, but its 400 view reads request.POST again for
    the CSRF token and fails a second time, which makes every form answer 500. Reading the form
    here, before CSRF and the views, and answering at once, gives 400 everywhere.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            try:
                request.POST  # noqa: B018 (parsing is the point)
            except (BadRequest, LookupError, UnicodeDecodeError) as exc:
                request._mark_post_parse_error()  # the error page finds an empty form
                return bad_request(request, exc)
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages with personal data are never kept by a browser's or a proxy's cache.

    That is every page a signed-in user gets (staff pages showing people, exports), every page
    reached by a personal link (a token in the path), and every answer to a form post (the public
    form re-rendered with what someone typed). Placed after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            (user is not None and user.is_authenticated)
            or request.method == "POST"
            or path_has_token(request.path)
        ):
            add_never_cache_headers(response)  # no-store, no-cache, private
        return response


class QueryCountMiddleware:
    """For benchmarks only (settings.DUGNAD_QUERY_COUNT_HEADER, off by default): the number
    of database queries a request ran, in the response header X-Query-Count. Counts with an
    execute wrapper, so DEBUG stays off and nothing is kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import connection

        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
            if getattr(response, "streaming", False):
                # a streamed body runs its queries after this point: count them as it goes
                response.streaming_content = _counted(response.streaming_content, counter)
        response["X-Query-Count"] = str(count)
        return response


def _counted(chunks, counter):
    from django.db import connection

    with connection.execute_wrapper(counter):
        yield from chunks
