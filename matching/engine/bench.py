"""`python -m matching.engine bench`: generate, solve and report per size."""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time

from . import parallel
from .check import check_solution
from .generate import SIZES, generate_size
from .greedy import solve_greedy
from .model import Arc, Candidate, Instance, Params, Slot
from .pricing import warm_up
from .solver import solve


def _peak_rss_mb() -> float:
    # ru_maxrss is the process's peak resident set size (KiB on Linux); it is a
    # high-water mark, so the figure covers generation too when that peaked higher
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _cpu_s() -> float:
    # CPU seconds of the process (all threads): on a shared machine, the figure that does not
    # depend on what else runs
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


_POOL = None


def _process_pool(n: int):
    """n worker processes, started (and their compiled search loaded) before any timing."""
    global _POOL
    if _POOL is None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        _POOL = ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn"))
        list(_POOL.map(_warm, range(n)))
    return _POOL


def _warm(_i: int) -> None:
    warm_up()
    time.sleep(0.5)  # so that each process takes one


def _two_municipalities(size: str, seed: int, params: Params) -> Instance:
    """Two instances of `size` side by side, sharing nobody (two municipalities, or two
    districts nobody crosses): two large independent blocks, the case scale-out is for."""
    parts = [generate_size(size, seed + k, params) for k in range(2)]

    def tag(k: int, x: str) -> str:
        return f"{'ab'[k]}:{x}"

    return Instance(
        params,
        tuple(
            Slot(tag(k, s.id), s.start, s.end, s.unfilled_cost)
            for k, p in enumerate(parts)
            for s in p.slots
        ),
        tuple(Candidate(tag(k, c.id), c.booked) for k, p in enumerate(parts) for c in p.candidates),
        tuple(
            Arc(tag(k, a.slot), tag(k, a.candidate), a.cost)
            for k, p in enumerate(parts)
            for a in p.arcs
        ),
    )


def _scale_out(size: str, seed: int, params: Params, time_limit_s, n: int) -> int:
    """One run on two municipalities' worth of slots: this process alone (one thread), then
    with its second block handed to one of n worker processes (one thread each)."""
    from .worker import solve_payload

    instance = _two_municipalities(size, seed, params)
    pool = _process_pool(n)

    def block_map(payloads):
        return list(pool.map(solve_payload, payloads))

    gc.collect()
    t = time.perf_counter()
    alone = solve(instance, time_limit_s=time_limit_s, workers=1)
    alone_wall = time.perf_counter() - t
    t = time.perf_counter()
    sol = solve(instance, time_limit_s=time_limit_s, workers=1, block_map=block_map)
    wall = time.perf_counter() - t
    print(
        f"bench matching-scaleout size=2x{size} slots={len(instance.slots)} "
        f"block_processes={n} wall_s={wall:.2f} one_process_wall_s={alone_wall:.2f} "
        f"remote_blocks={sol.stats.get('remote_blocks', 0)} batches={sol.stats.get('batches')} "
        f"objective={sol.objective:.0f} bound={sol.bound:.0f} gap_pct={sol.gap_pct:.3f} "
        f"one_process_objective={alone.objective:.0f} "
        f"objective_diff_pct={100 * (sol.objective - alone.objective) / alone.objective:.3f}",
        flush=True,
    )
    return 1 if check_solution(instance, sol.assignments) else 0


def run(
    sizes: list[str],
    seed: int,
    time_limit_s: float | None,
    verify: bool,
    params: Params,
    workers: int | None = None,
    block_processes: int = 0,
) -> int:
    failures = 0
    # A worker compiles the schedule search once in its life (the Docker image
    # does it at build time); that is not part of any one solve.
    t = time.perf_counter()
    warm_up()
    print(f"# compiled search ready in {time.perf_counter() - t:.2f} s", file=sys.stderr)
    for size in sizes:
        instance = generate_size(size, seed, params)
        gc.collect()
        greedy = solve_greedy(instance)
        t = time.perf_counter()
        cpu = _cpu_s()
        sol = solve(instance, time_limit_s=time_limit_s, workers=workers)
        wall = time.perf_counter() - t
        cpu = _cpu_s() - cpu
        peak = _peak_rss_mb()
        n_slots, n_cands = SIZES[size]
        print(
            f"bench matching size={size} slots={n_slots} candidates={n_cands} "
            f"wall_s={wall:.2f} peak_mb={peak:.0f} filled={len(sol.assignments)} "
            f"objective={sol.objective:.0f} bound={sol.bound:.0f} gap_pct={sol.gap_pct:.3f} "
            f"greedy_objective={greedy.objective:.0f} workers={parallel.resolve(workers)} "
            f"cpu_s={cpu:.2f}",
            flush=True,
        )
        greedy_gap = 100.0 * (greedy.objective - sol.objective) / sol.objective
        print(
            f"# size={size} status={sol.status} greedy_worse_pct={greedy_gap:.2f} "
            f"greedy_wall_s={greedy.wall_s:.2f} stats={sol.stats}",
            file=sys.stderr,
            flush=True,
        )
        if verify:
            problems = check_solution(instance, sol.assignments)
            if problems or sol.objective > greedy.objective + 1e-6 or sol.bound > sol.objective:
                failures += 1
                print(f"# size={size} FAILED: {problems[:5]}", file=sys.stderr, flush=True)
    if block_processes:
        for size in sizes:
            failures += _scale_out(size, seed, params, time_limit_s, block_processes)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m matching.engine bench")
    parser.add_argument("--sizes", default="S,M,L", help="comma-separated, from " + ",".join(SIZES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=None, help="seconds per solve")
    parser.add_argument("--no-verify", action="store_true", help="skip the rule check")
    parser.add_argument(
        "--weekly-rest",
        type=float,
        default=35.0,
        help="min_weekly_rest_hours of the generated instances (0: not enforced)",
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="threads (default: cores, up to 4)"
    )
    parser.add_argument(
        "--block-processes",
        type=int,
        default=0,
        help="also solve two of each size side by side (two independent blocks), alone and "
        "with one block handed to this many worker processes (the JSON payloads Celery "
        "workers get; see remote.py)",
    )
    args = parser.parse_args(argv)
    sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size(s): {', '.join(unknown)}")
    if len(sizes) > 1:
        # one process per size: peak_mb is a process's high-water mark, so each size's figure
        # is its own, not the largest size's before it
        import subprocess

        argv = list(sys.argv[1:] if argv is None else argv)
        rest = [a for i, a in enumerate(argv) if a != "--sizes" and argv[i - 1 : i] != ["--sizes"]]
        rest = [a for a in rest if not a.startswith("--sizes=")]
        codes = [
            subprocess.call(
                [sys.executable, "-m", "matching.engine", "bench", *rest, "--sizes", size]
            )
            for size in sizes
        ]
        return 1 if any(codes) else 0
    params = Params(min_weekly_rest_hours=args.weekly_rest)
    return run(
        sizes,
        args.seed,
        args.time_limit,
        not args.no_verify,
        params,
        args.workers,
        args.block_processes,
    )
