"""Staff pages under load (a benchmark, not a test): `make bench-web` (scripts/bench-web.sh).

For each staff page, as the role that uses it: WARMUP requests (one for an export), then N
sequential ones (EXPORT_N for the exports, which take seconds each); one line per page with
p50/p95 latency, the queries it ran (X-Query-Count, set by the bench-only middleware), its
size, and the CPU each request cost: in gunicorn's workers (app_cpu_ms), in PostgreSQL's
backends for the bench database (db_cpu_ms) and in this client (client_cpu_ms). Then CLIENTS concurrent clients over the pages
(exports left out) for SECONDS, with the same CPU figures per request.

Latency on a shared machine is noisy; CPU per request is what to compare before and after a
change. The CPU figures come from /proc (Linux; "-" elsewhere): the server's processes are the
gunicorn master given by --server-pid and its workers, the database's are the backends whose
process title names --db-name. A backend that closes during a measurement takes its CPU with
it (connections live CONN_MAX_AGE seconds, longer than a page's measurement).
Loopback only; stops by itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from zoneinfo import ZoneInfo

PASSWORD = "dugnad-demo"
COORDINATOR = "coordinator@dugnad.test"
LEADER = "leader@dugnad.test"
HR = "hr@dugnad.test"
VOLUNTEERS = "volunteers@dugnad.test"
# A demo surname (about 1,300 people) for the staff search, which is posted, then read with GET.
SEARCH_TERM = "Testvik"
# (page, role's log-in): each role's start page (the first of its lines) and every staff list,
# report and export it opens from the navigation. {unit} is the leader's unit (the demo's
# placements are there), {today} and {tomorrow} dates, {week} this ISO week.
PAGES = [
    ("/coverage/", COORDINATOR),
    ("/matching/", COORDINATOR),
    ("/matching/?page=2", COORDINATOR),
    ("/matching/?state=unfilled", COORDINATOR),
    ("/matching/section-14-3/", COORDINATOR),
    ("/needs/", COORDINATOR),
    ("/resources/", COORDINATOR),
    ("/resources/export.csv", COORDINATOR),
    ("/resources/inventories/", COORDINATOR),
    ("/onboarding/placements/", COORDINATOR),
    ("/rosters/?unit={unit}&week={week}", COORDINATOR),
    ("/rosters/day/?unit={unit}&day={tomorrow}", COORDINATOR),
    ("/rosters/search/", COORDINATOR),
    # the demo has about 14 placed shifts: `make bench-rosters` times 3,000 rows
    ("/rosters/export.csv?date_from={today}&date_to={in13days}", COORDINATOR),
    ("/rosters/export.xlsx?date_from={today}&date_to={in13days}", COORDINATOR),
    ("/coverage/", LEADER),
    ("/needs/", LEADER),
    ("/rosters/", LEADER),
    ("/rosters/day/?day={tomorrow}", LEADER),
    ("/resources/staff/", LEADER),
    ("/onboarding/placements/", LEADER),
    ("/community/journeys/", LEADER),
    ("/rosters/search/", LEADER),
    ("/onboarding/", HR),
    ("/onboarding/people/", HR),
    ("/onboarding/hpr/", HR),
    ("/resources/import/", HR),
    ("/resources/inventories/answers/", HR),
    ("/volunteers/", VOLUNTEERS),
    ("/volunteers/register/", VOLUNTEERS),
    ("/volunteers/referrals/", VOLUNTEERS),
    ("/volunteers/course/", VOLUNTEERS),
    ("/volunteers/export.csv", VOLUNTEERS),
    ("/community/", VOLUNTEERS),
    ("/community/tasks/", VOLUNTEERS),
    ("/community/contacts/", VOLUNTEERS),
    ("/community/report/", VOLUNTEERS),
]
# Pages that read a posted term from the session: posted once per signed-in client.
SEARCHES = {"/rosters/search/": {"term": SEARCH_TERM}}


def is_export(path: str) -> bool:
    return urllib.parse.urlsplit(path).path.endswith((".csv", ".xlsx"))


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
        for path, email_ in PAGES:
            if email_ == email and path in SEARCHES:
                self.post_form(path, SEARCHES[path])

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

    def post_form(self, path: str, fields: dict[str, str]):
        page = self._open(path).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        response = self._open(path, data)
        response.read()
        return response

    def login(self, email: str) -> None:
        response = self.post_form("/accounts/login/", {"login": email, "password": PASSWORD})
        if response.status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"log-in as {email} failed ({response.status})")

    def get(self, path: str) -> tuple[int, float, int, int]:
        """status, seconds, bytes, queries"""
        t0 = time.perf_counter()
        response = self._open(path)
        body = response.read()
        seconds = time.perf_counter() - t0
        return response.status, seconds, len(body), int(response.headers.get("X-Query-Count", -1))


# --- CPU per request, from /proc --------------------------------------------------------------


def _cpu_ms(pid: int) -> float:
    """CPU time of every thread of a process so far, in ms (0 if it is gone)."""
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
        return sum(int((task / "schedstat").read_text().split()[0]) for task in tasks) / 1e6
    except (OSError, ValueError, IndexError):
        return 0.0


def _processes() -> list[tuple[int, int, str]]:
    """(pid, parent pid, process title) of every process we can read."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        found.append((int(entry.name), ppid, title))
    return found


class CpuMeter:
    """CPU spent by gunicorn (master and workers), by PostgreSQL's backends serving the bench
    database, and by this client, between start() and stop()."""

    def __init__(self, server_pid: int | None, db_name: str | None):
        self.server_pid = server_pid
        self.db_name = db_name
        self.enabled = Path("/proc/self/task").is_dir() and server_pid is not None

    def _sample(self) -> dict[tuple[str, int], float]:
        """CPU so far of each process, keyed ("app" or "db", pid)."""
        found = {}
        for pid, ppid, title in _processes():
            if pid == self.server_pid or ppid == self.server_pid:
                found["app", pid] = _cpu_ms(pid)
            elif self.db_name and title.startswith("postgres: ") and f" {self.db_name} " in title:
                found["db", pid] = _cpu_ms(pid)
        return found

    def start(self) -> None:
        self.client0 = time.process_time()
        self.server0 = self._sample() if self.enabled else {}

    def stop(self, requests: int) -> dict[str, str]:
        client = (time.process_time() - self.client0) * 1000 / max(requests, 1)
        figures = {"client": f"{client:.1f}", "app": "-", "db": "-"}
        if self.enabled:
            spent = {"app": 0.0, "db": 0.0}
            # a process started meanwhile (a new connection) counts from zero
            for (kind, pid), ms in self._sample().items():
                spent[kind] += ms - self.server0.get((kind, pid), 0.0)
            figures["app"] = f"{spent['app'] / max(requests, 1):.1f}"
            if self.db_name:
                figures["db"] = f"{spent['db'] / max(requests, 1):.1f}"
        return figures


# --- the two phases -----------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def placeholders(base: str) -> dict[str, str]:
    today = dt.datetime.now(ZoneInfo("Europe/Oslo")).date()
    year, week, _day = today.isocalendar()
    leader = Client(base, LEADER)
    page = leader._open("/rosters/").read().decode()
    unit = re.search(r'<select name="unit"[^>]*>.*?<option value="(\d+)"', page, re.S)
    if unit is None:
        raise SystemExit("bench: no unit in the leader's roster form")
    return {
        "today": today.isoformat(),
        "tomorrow": (today + dt.timedelta(days=1)).isoformat(),
        "in13days": (today + dt.timedelta(days=13)).isoformat(),
        "week": f"{year}-W{week:02d}",
        "unit": unit.group(1),
    }


def sequential(base: str, pages, n: int, export_n: int, warmup: int, meter: CpuMeter) -> bool:
    clients: dict[str, Client] = {}
    ok = True
    for path, email in pages:
        client = clients.get(email) or clients.setdefault(email, Client(base, email))
        count = export_n if is_export(path) else n
        for _ in range(min(warmup, 1) if is_export(path) else warmup):
            client.get(path)
        times, sizes, queries, statuses = [], [], [], set()
        meter.start()
        for _ in range(count):
            status, seconds, size, queries_run = client.get(path)
            times.append(seconds * 1000)
            sizes.append(size)
            queries.append(queries_run)
            statuses.add(status)
        cpu = meter.stop(count)
        role = email.split("@")[0]
        bad = "" if statuses == {200} else f" status={sorted(statuses)}"
        ok = ok and not bad
        print(
            f"bench web page={path} role={role} p50_ms={statistics.median(times):.0f} "
            f"p95_ms={pct(times, 95):.0f} queries={max(queries)} "
            f"kb={statistics.median(sizes) / 1024:.0f} n={count} app_cpu_ms={cpu['app']} "
            f"db_cpu_ms={cpu['db']} client_cpu_ms={cpu['client']}{bad}",
            flush=True,
        )
    return ok


def mixed(base: str, pages, clients: int, seconds: float, seed: int, meter: CpuMeter) -> bool:
    # the mix is the pages people read; the exports (seconds for 22,000 people) are measured
    # on their own above
    readable = [(path, email) for path, email in pages if not is_export(path)]
    emails = sorted({email for _path, email in readable})
    sessions = [Client(base, emails[i % len(emails)]) for i in range(clients)]
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def work(i: int) -> None:
        nonlocal errors
        rng = random.Random(seed + i)
        client = sessions[i]
        mine = [path for path, email in readable if email == emails[i % len(emails)]]
        while time.perf_counter() < stop:
            status, took, _size, _q = client.get(rng.choice(mine))
            with lock:
                times.append(took * 1000)
                if status != 200:
                    errors += 1

    meter.start()
    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    cpu = meter.stop(len(times))
    print(
        f"bench web-mixed clients={clients} rps={len(times) / elapsed:.1f} "
        f"p95_ms={pct(times, 95):.0f} errors={errors} p50_ms={statistics.median(times):.0f} "
        f"app_cpu_ms_per_req={cpu['app']} db_cpu_ms_per_req={cpu['db']} "
        f"client_cpu_ms_per_req={cpu['client']}",
        flush=True,
    )
    return errors == 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("-n", type=int, default=30)
    parser.add_argument("--export-n", type=int, default=10, help="requests per export")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--server-pid", type=int, help="gunicorn's master, for the CPU figures")
    parser.add_argument("--db-name", help="the bench database, for PostgreSQL's CPU figures")
    parser.add_argument("--only", help="only the pages whose path contains this")
    args = parser.parse_args()
    host = urllib.parse.urlsplit(args.base).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("bench-web runs against loopback only")
    values = placeholders(args.base)
    pages = [(path.format(**values), email) for path, email in PAGES]
    if args.only:
        pages = [(path, email) for path, email in pages if args.only in path]
    meter = CpuMeter(args.server_pid, args.db_name)
    if not meter.enabled:
        print("bench: no /proc or no --server-pid: app and db CPU not measured", file=sys.stderr)
    print(f"bench web client: pid {os.getpid()}, {len(pages)} pages", flush=True)
    ok = True
    if args.n > 0:
        ok = sequential(args.base, pages, args.n, args.export_n, args.warmup, meter)
    if args.seconds > 0:
        ok = mixed(args.base, pages, args.clients, args.seconds, args.seed, meter) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
