"""Staff pages under load (a benchmark, not a test): `make bench-web` (scripts/bench-web.sh).

For each staff page, as the role that uses it: WARMUP requests, then N sequential ones; one
line per page with p50/p95 latency, the queries it ran (X-Query-Count, set by the bench-only
middleware) and its size. Then CLIENTS concurrent clients over all the pages for SECONDS.
Loopback only; stops by itself.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

PASSWORD = "dugnad-demo"
# (page, role's log-in); each role's start page and its lists, exports included.
PAGES = [
    ("/coverage/", "coordinator@dugnad.test"),
    ("/matching/", "coordinator@dugnad.test"),
    ("/matching/?page=2", "coordinator@dugnad.test"),
    ("/matching/?state=unfilled", "coordinator@dugnad.test"),
    ("/needs/", "coordinator@dugnad.test"),
    ("/resources/", "coordinator@dugnad.test"),
    ("/resources/export.csv", "coordinator@dugnad.test"),
    ("/onboarding/placements/", "coordinator@dugnad.test"),
    ("/coverage/", "leader@dugnad.test"),
    ("/needs/", "leader@dugnad.test"),
    ("/onboarding/", "hr@dugnad.test"),
    ("/onboarding/hpr/", "hr@dugnad.test"),
    ("/volunteers/", "volunteers@dugnad.test"),
    ("/volunteers/register/", "volunteers@dugnad.test"),
    ("/volunteers/referrals/", "volunteers@dugnad.test"),
    ("/volunteers/export.csv", "volunteers@dugnad.test"),
]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One signed-in browser: its own cookies, behind a TLS proxy as deployed (the secure
    cookies need X-Forwarded-Proto: https, see scripts/smoke_pages.py)."""

    def __init__(self, base: str, email: str):
        self.base = base
        self.host = urllib.parse.urlsplit(base).netloc
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect)
        self.login(email)

    def _open(self, path: str, data: bytes | None = None):
        request = urllib.request.Request(self.base + path, data=data)
        request.add_header("X-Forwarded-Proto", "https")
        request.add_header("Origin", f"https://{self.host}")
        request.add_header("Referer", f"https://{self.host}{path}")
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as exc:
            response = exc
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response

    def login(self, email: str) -> None:
        page = self._open("/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        response = self._open("/accounts/login/", data)
        response.read()
        if response.status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"log-in as {email} failed ({response.status})")

    def get(self, path: str) -> tuple[int, float, int, int]:
        """status, seconds, bytes, queries"""
        t0 = time.perf_counter()
        response = self._open(path)
        body = response.read()
        seconds = time.perf_counter() - t0
        return response.status, seconds, len(body), int(response.headers.get("X-Query-Count", -1))


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def sequential(base: str, n: int, warmup: int) -> bool:
    clients: dict[str, Client] = {}
    ok = True
    for path, email in PAGES:
        client = clients.get(email) or clients.setdefault(email, Client(base, email))
        for _ in range(warmup):
            client.get(path)
        times, sizes, queries, statuses = [], [], [], set()
        for _ in range(n):
            status, seconds, size, count = client.get(path)
            times.append(seconds * 1000)
            sizes.append(size)
            queries.append(count)
            statuses.add(status)
        role = email.split("@")[0]
        bad = "" if statuses == {200} else f" status={sorted(statuses)}"
        ok = ok and not bad
        print(
            f"bench web page={path} role={role} p50_ms={statistics.median(times):.0f} "
            f"p95_ms={pct(times, 95):.0f} queries={max(queries)} "
            f"kb={statistics.median(sizes) / 1024:.0f}{bad}",
            flush=True,
        )
    return ok


def mixed(base: str, clients: int, seconds: float, seed: int) -> bool:
    emails = sorted({email for _path, email in PAGES})
    sessions = [Client(base, emails[i % len(emails)]) for i in range(clients)]
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def work(i: int) -> None:
        nonlocal errors
        rng = random.Random(seed + i)
        client = sessions[i]
        # the mix is the pages people read; the exports (seconds for 22,000 people) are
        # measured on their own above
        mine = [p for p, e in PAGES if e == emails[i % len(emails)] and not p.endswith(".csv")]
        while time.perf_counter() < stop:
            status, took, _size, _q = client.get(rng.choice(mine))
            with lock:
                times.append(took * 1000)
                if status != 200:
                    errors += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    print(
        f"bench web-mixed clients={clients} rps={len(times) / elapsed:.1f} "
        f"p95_ms={pct(times, 95):.0f} errors={errors}",
        flush=True,
    )
    return errors == 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("-n", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    host = urllib.parse.urlsplit(args.base).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("bench-web runs against loopback only")
    ok = sequential(args.base, args.n, args.warmup)
    ok = mixed(args.base, args.clients, args.seconds, args.seed) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
