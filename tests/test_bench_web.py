"""`make bench-web` measures what is deployed, every staff page, and the CPU a request costs."""

import importlib
import importlib.util
import os
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.context_processors import NAVIGATION
from accounts.models import Role

ROOT = Path(__file__).resolve().parent.parent


def _bench():
    spec = importlib.util.spec_from_file_location("bench_web", ROOT / "scripts" / "bench_web.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_web"] = module
    spec.loader.exec_module(module)
    return module


ROLE_OF = {
    "coordinator@dugnad.test": Role.COORDINATOR,
    "leader@dugnad.test": Role.UNIT_LEADER,
    "hr@dugnad.test": Role.HR,
    "volunteers@dugnad.test": Role.VOLUNTEER_COORDINATOR,
}


def test_the_bench_opens_every_navigation_entry_as_a_role_that_has_it():
    bench = _bench()
    benched = {(urllib.parse.urlsplit(path).path, ROLE_OF[email]) for path, email in bench.PAGES}
    missing = [
        (str(label), url_name)
        for label, url_name, roles in NAVIGATION
        if not any((reverse(url_name), role) in benched for role in roles)
    ]
    assert missing == []


def test_the_exports_are_timed_alone_and_left_out_of_the_mix():
    bench = _bench()
    exports = [path for path, _email in bench.PAGES if bench.is_export(path)]
    assert {"/resources/export.csv", "/volunteers/export.csv"} <= set(exports)
    assert any(path.startswith("/rosters/export.xlsx?") for path in exports)
    assert not bench.is_export("/resources/?source=employee")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="CPU figures read /proc")
def test_the_cpu_meter_counts_the_server_processes_cpu_per_request():
    bench = _bench()
    # this process stands in for gunicorn's master
    meter = bench.CpuMeter(os.getpid(), None)
    meter.start()
    deadline = time.process_time() + 0.05
    while time.process_time() < deadline:
        pass
    figures = meter.stop(requests=10)
    assert float(figures["app"]) >= 4.0  # 50 ms over 10 requests
    assert float(figures["client"]) >= 4.0
    assert figures["db"] == "-"


def test_gunicorn_runs_two_sync_workers_per_core_plus_one_unless_told(monkeypatch):
    import config.gunicorn

    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    monkeypatch.delenv("GUNICORN_THREADS", raising=False)
    settings = importlib.reload(config.gunicorn)
    assert settings.workers == 2 * len(os.sched_getaffinity(0)) + 1
    assert settings.threads == 1

    monkeypatch.setenv("GUNICORN_WORKERS", "7")
    assert importlib.reload(config.gunicorn).workers == 7
