import importlib
import time

from django.core.management.base import BaseCommand, CommandError

from staffing import demo

# Each app adds its own part of the demo municipality in `<app>/demo.py` with
# `load(*, scale, seed) -> dict[str, int]`; they run in this order, after the organisation.
APP_DEMOS = ["volunteers.demo", "community.demo", "needs.demo", "matching.demo", "inventory.demo"]


class Command(BaseCommand):
    help = "Create (or complete) the fictional demo municipality and its demo users. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = ~2,000 employees")
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--quiet-users", action="store_true", help="do not print log-ins")

    def handle(self, *args, scale: float, seed: int, quiet_users: bool, **options):
        if scale <= 0 or scale > 100:
            raise CommandError("--scale must be between 0 and 100")
        started = time.perf_counter()
        result, users = demo.load(scale=scale, seed=seed)
        created = dict(result.created)
        for module_name in APP_DEMOS:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name == module_name:
                    continue
                raise
            for key, value in module.load(scale=scale, seed=seed).items():
                created[key] = created.get(key, 0) + value
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{k}={v}" for k, v in sorted(created.items()) if v) or "nothing new"
        self.stdout.write(f"Demo municipality ready in {elapsed:.1f} s (created: {summary}).")
        if not quiet_users:
            self.stdout.write(f"Demo log-ins (password: {demo.DEMO_PASSWORD}):")
            for user in users:
                self.stdout.write(f"  {user.email:<26} {user.get_role_display()}")
