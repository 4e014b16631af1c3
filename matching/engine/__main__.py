"""Command line: solve | generate | bench."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterator

from . import bench
from .generate import SIZES, generate_size
from .jsonio import instance_from_json, instance_to_json, solution_to_json
from .solver import solve


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """HiGHS occasionally writes to the C-level stdout; keep stdout pure JSON."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "bench":
        return bench.main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m matching.engine")
    sub = parser.add_subparsers(dest="command", required=True)
    p_solve = sub.add_parser("solve", help="solve an instance JSON file, print the answer")
    p_solve.add_argument("instance", help="path to the instance JSON ('-' for stdin)")
    p_solve.add_argument("--time-limit", type=float, default=None)
    p_solve.add_argument("--gap", type=float, default=0.5, help="gap tolerance in percent")
    p_gen = sub.add_parser("generate", help="write a random realistic instance as JSON")
    p_gen.add_argument("--size", default="S", choices=sorted(SIZES))
    p_gen.add_argument("--seed", type=int, default=1)
    sub.add_parser("bench", help="benchmark (see: bench --help)")
    args = parser.parse_args(argv)

    if args.command == "solve":
        if args.instance == "-":
            data = json.load(sys.stdin)
        else:
            with open(args.instance, encoding="utf-8") as fh:
                data = json.load(fh)
        instance = instance_from_json(data)
        with _stdout_to_stderr():
            solution = solve(instance, time_limit_s=args.time_limit, gap_tolerance_pct=args.gap)
        print(json.dumps(solution_to_json(solution)))
        return 0
    if args.command == "generate":
        instance = generate_size(args.size, args.seed)
        json.dump(instance_to_json(instance), sys.stdout)
        print()
        return 0
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
