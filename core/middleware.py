from django.core.exceptions import BadRequest
from django.views.defaults import bad_request


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
