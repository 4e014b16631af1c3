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
