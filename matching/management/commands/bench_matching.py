"""End-to-end matching benchmark through the database: load, solve, save proposals; then rerun
and confirm the same proposals. `make bench` runs it after the engine's own benchmark."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from matching.models import MatchingRun, Proposal
from matching.services import matching_run_execute
from staffing.models import Worker


def _proposals() -> list[tuple[int, int, int]]:
    return sorted(
        Proposal.objects.filter(status=Proposal.Status.PROPOSED).values_list(
            "shift_id", "slot_index", "worker_id"
        )
    )


class Command(BaseCommand):
    help = "Benchmark a full matching run (load, solve, save) on the demo data at scale."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=10.0, help="demo scale (10 = M size)")
        parser.add_argument("--no-demo", action="store_true", help="use the data as it is")
        parser.add_argument("--reruns", type=int, default=1)

    def handle(self, *args, scale: float, no_demo: bool, reruns: int, **options):
        if not no_demo and Worker.objects.count() < 1800 * scale:
            started = time.perf_counter()
            call_command("demo", scale=scale, quiet_users=True, stdout=self.stderr)
            self.stderr.write(
                f"demo --scale {scale:g} loaded in {time.perf_counter() - started:.1f} s"
            )

        run = matching_run_execute(trigger=MatchingRun.Trigger.MANUAL)
        self._print(run)
        first = _proposals()
        for _ in range(reruns):
            again = matching_run_execute(trigger=MatchingRun.Trigger.MANUAL)
            self._print(again, label="matching-e2e-rerun")
            same = _proposals() == first
            self.stdout.write(
                f"bench matching-e2e-rerun same_proposals={str(same).lower()} "
                f"proposals={len(first)}"
            )

    def _print(self, run: MatchingRun, label: str = "matching-e2e") -> None:
        if run.status != MatchingRun.Status.SUCCEEDED:
            self.stdout.write(f"bench {label} status={run.status} error={run.error!r}")
            return
        load, solve, save = run.load_seconds or 0, run.solve_seconds or 0, run.save_seconds or 0
        objective, bound = run.objective or 0.0, run.bound or 0.0
        gap = 100 * (objective - bound) / bound if bound > 0 else 0.0
        self.stdout.write(
            f"bench {label} db={connection.vendor} slots={run.slots} "
            f"candidates={run.candidates} arcs={run.arcs} load_s={load:.2f} solve_s={solve:.2f} "
            f"save_s={save:.2f} total_s={load + solve + save:.2f} filled={run.filled} "
            f"objective={objective:.0f} bound={bound:.0f} gap_pct={gap:.3f}"
        )
