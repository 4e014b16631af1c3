"""Registrations per second on the public volunteer form, through a running server.

    python scripts/bench_register.py http://127.0.0.1:8766 --count 2000 --clients 16 --run ID

Each client fetches the form once (CSRF cookie and token), then posts registrations with new
addresses; every client has its own address behind the trusted proxy (X-Forwarded-For), as
volunteers behind a municipal proxy would. Prints the rate, latency percentiles and how many
registrations the server confirmed; scripts/bench-register.sh then counts them in the database.
"""

import argparse
import datetime as dt
import http.client
import re
import statistics
import sys
import threading
import time
import urllib.parse


def _connect(url: str) -> http.client.HTTPConnection:
    parts = urllib.parse.urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)


def _form(run: str, n: int, token: str, district: str, qualification: str) -> bytes:
    start = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=3)).isoformat()
    return urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "first_name": "Bente",
            "last_name": f"Benk {n}",
            "email": f"bench-{run}-{n}@example.test",
            "phone": f"9{n % 10000000:07d}",
            "district": district,
            "postcode": "",
            "qualifications": qualification,
            "hpr_number": "",
            "available_from": start,
            "times_of_day": "day",
            "wants_contract": "on",
            "free_text": "Kan hjelpe på kveldstid.",
            "consent": "on",
            "website": "",
        }
    ).encode()


def client(url, run, numbers, latencies, failures, lock, address):
    base_headers = {
        "X-Forwarded-For": address,
        "X-Forwarded-Proto": "https",
        "Host": urllib.parse.urlsplit(url).netloc,
    }
    conn = _connect(url)
    conn.request("GET", "/volunteer/", headers=base_headers)
    response = conn.getresponse()
    page = response.read().decode()
    cookie = next(
        v.split(";")[0]
        for k, v in response.getheaders()
        if k.lower() == "set-cookie" and "csrftoken" in v
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    district = re.search(r'name="district"[^>]*>.*?<option value="(\d+)"', page, re.S).group(1)
    qualification = re.search(r'name="qualifications" value="(\d+)"', page).group(1)
    conn.close()
    headers = {
        **base_headers,
        "Cookie": cookie,
        "Origin": f"https://{base_headers['Host']}",
        "Referer": f"https://{base_headers['Host']}/volunteer/",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    for n in numbers:
        body = _form(run, n, token, district, qualification)
        t = time.perf_counter()
        try:
            conn = _connect(url)
            conn.request("POST", "/volunteer/", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            conn.close()
            ok = response.status == 302 and "/volunteer/thanks/" in (
                response.getheader("Location") or ""
            )
        except OSError as exc:
            ok, response = False, exc
        elapsed = time.perf_counter() - t
        with lock:
            if ok:
                latencies.append(elapsed)
            else:
                failures.append(getattr(response, "status", repr(response)))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--run", default=str(int(time.time())))
    args = parser.parse_args()
    latencies: list[float] = []
    failures: list = []
    lock = threading.Lock()
    threads = [
        threading.Thread(
            target=client,
            args=(
                args.url,
                args.run,
                range(i, args.count, args.clients),
                latencies,
                failures,
                lock,
                f"10.{i // 250}.{i % 250}.7",
            ),
        )
        for i in range(args.clients)
    ]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - t0
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    print(
        f"registrations: {len(latencies)} confirmed, {len(failures)} failed "
        f"in {wall:.1f} s with {args.clients} clients"
    )
    if latencies:
        print(
            f"rate: {len(latencies) / wall:.0f} registrations/s; latency p50 {p(0.5):.0f} ms, "
            f"p95 {p(0.95):.0f} ms, p99 {p(0.99):.0f} ms, mean "
            f"{statistics.mean(latencies) * 1000:.0f} ms"
        )
    if failures:
        print("failures (first 10):", failures[:10])
    print(f"confirmed={len(latencies)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
