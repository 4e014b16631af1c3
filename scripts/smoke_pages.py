"""Fetch Dugnad's pages from a running server and fail on any 5xx (CI's production check).

    python scripts/smoke_pages.py http://127.0.0.1:8765 EMAIL PASSWORD

The server runs with DEBUG=false behind no TLS proxy here, so every request says it came
through one (X-Forwarded-Proto: https), as a deployment's proxy would, and cookies marked
Secure are sent back by hand.
"""

import re
import sys
import urllib.error
import urllib.parse
import urllib.request

PUBLIC = ["/", "/accounts/login/", "/volunteer/", "/volunteer/privacy/", "/admin/login/"]
STAFF = ["/", "/needs/", "/matching/", "/onboarding/", "/volunteers/", "/admin/"]
NOT_FOUND = ["/no-such-page/", "/volunteer/me/Zq3kP0xY7vB2nL9mW4tR8sD1fG6hJ5cA-_eKx/"]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Session:
    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect)
        self.host = urllib.parse.urlsplit(base).netloc

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        request.add_header("X-Forwarded-Proto", "https")
        request.add_header("Origin", f"https://{self.host}")
        request.add_header("Referer", f"https://{self.host}{path}")
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as exc:
            response = exc
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        text = response.read().decode("utf-8", "replace")
        return response.status, text, dict(response.headers)


def main(base: str, email: str, password: str) -> int:
    failures: list[str] = []
    session = Session(base)

    def check(path: str, expect: tuple[int, ...], data: dict | None = None) -> str:
        status, text, _headers = session.request(path, data)
        print(f"{status} {'POST' if data is not None else 'GET '} {path}")
        if status >= 500 or status not in expect:
            failures.append(f"{path}: {status}")
        for css in re.findall(r'href="(/static/[^"]+\.css)"', text):
            css_status, _, _ = session.request(css)
            if css_status != 200:
                failures.append(f"{css}: {css_status}")
        return text

    for path in PUBLIC:
        check(path, (200, 302))
    for path in NOT_FOUND:
        check(path, (404,))
    page = check("/accounts/login/", (200,))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not token:
        failures.append("log-in form without a CSRF token")
    else:
        check(
            "/accounts/login/",
            (302,),
            {"csrfmiddlewaretoken": token.group(1), "login": email, "password": password},
        )
        for path in STAFF:
            check(path, (200,))
    for failure in failures:
        print("FAILED", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
