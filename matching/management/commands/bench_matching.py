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


def _objectives() -> tuple[float, float]:
    """(objective of the saved proposals, objective of a full run now), over the full
    instance as it stands."""
    from matching.adapter import candidate_id, instance_build
    from matching.engine import objective_of, solve

    loaded = instance_build()
    slots_of: dict[int, list[str]] = {}
    for slot in loaded.instance.slots:
        slots_of.setdefault(loaded.slot_shift[slot.id][0], []).append(slot.id)
    held: dict[int, list[int]] = {}
    for shift_id, _index, worker_id in _proposals():
        held.setdefault(shift_id, []).append(worker_id)
    assignments = {
        slot: candidate_id(worker_id)
        for shift_id, workers in held.items()
        for slot, worker_id in zip(slots_of.get(shift_id, ()), workers, strict=False)
    }
    return objective_of(loaded.instance, assignments), solve(loaded.instance).objective


class Command(BaseCommand):
    help = "Benchmark a full matching run (load, solve, save) on the demo data at scale."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=10.0, help="demo scale (10 = M size)")
        parser.add_argument("--no-demo", action="store_true", help="use the data as it is")
        parser.add_argument("--reruns", type=int, default=1)
        parser.add_argument(
            "--incremental",
            type=int,
            default=5,
            help="offers declined one after another, each re-solved incrementally",
        )

    def handle(self, *args, scale: float, no_demo: bool, reruns: int, incremental: int, **options):
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
        if incremental:
            self._incremental(incremental, scale)

    def _incremental(self, n: int, scale: float) -> None:
        """An offer is sent and declined, n times: the time from the "no" to the proposals
        saved by the incremental re-solve around its slot, and how the saved proposals compare
        with a full run on the same data."""
        from unittest import mock

        from celery import current_app

        from accounts.models import Role, User
        from matching.offers import offer_decline, offer_send
        from matching.services import matching_resolve

        coordinator = User.objects.filter(role=Role.COORDINATOR).order_by("pk").first()
        eager = current_app.conf.task_always_eager
        current_app.conf.task_always_eager = True
        walls, touched, changed = [], [], []
        try:
            for i in range(n):
                # the earliest open proposal whose worker has an e-mail address, not decided by
                # the coordinator's own need
                proposal = (
                    Proposal.objects.filter(status=Proposal.Status.PROPOSED)
                    .exclude(worker__email="")
                    .select_related("worker")
                    .order_by("shift__start", "shift_id", "slot_index")[i % 7 :]
                    .first()
                )
                if proposal is None:
                    break
                offers, errors = offer_send(proposals=[proposal], by=coordinator)
                if not offers:
                    self.stderr.write(f"offer not sent: {errors}")
                    continue
                before = _proposals()
                t = time.perf_counter()
                # the "no", then the re-solve around its slot (the offers flow first tries the
                # slot's ranked alternatives and re-solves when none is left; here it always
                # re-solves, which is what is timed)
                with mock.patch("matching.offers.slot_refill_request"):
                    offer_decline(offer=offers[0], reason="bench")
                run = matching_resolve(
                    trigger=MatchingRun.Trigger.OFFER_ANSWERED, shift_ids=[proposal.shift_id]
                )
                walls.append(time.perf_counter() - t)
                if run is None or run.status != MatchingRun.Status.SUCCEEDED:
                    self.stdout.write(f"bench matching-incremental status=failed run={run}")
                    return
                touched.append(run.slots)
                changed.append(len(set(before) ^ set(_proposals())))
        finally:
            current_app.conf.task_always_eager = eager
        if not walls:
            return
        saved, full = _objectives()
        walls.sort()
        self.stdout.write(
            f"bench matching-incremental db={connection.vendor} scale={scale:g} declines={len(walls)} "
            f"median_s={walls[len(walls) // 2]:.3f} max_s={walls[-1]:.3f} "
            f"slots_loaded_max={max(touched)} proposals_changed_max={max(changed)} "
            f"objective_saved={saved:.0f} objective_full_run={full:.0f} "
            f"diff_pct={100 * (saved - full) / full if full else 0.0:.3f}"
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
