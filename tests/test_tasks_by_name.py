"""Apps below matching start a run knowing only the task's name (core.tasks_by_name)."""

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from celery import current_app
from celery.app.task import Task
from core import tasks_by_name

before = "matching.tasks.matching_run" in current_app.tasks
sent = []
Task.apply_async = lambda self, args=None, kwargs=None, **options: sent.append(
    [self.name, list(args), options]
)
current_app.send_task = lambda *a, **k: sent.append(["broker", list(a), k])
tasks_by_name.task_send("matching.tasks.matching_run", args=("manual", None))
print(json.dumps({"before": before, "sent": sent}))
"""


def test_a_task_no_module_imported_yet_is_found_by_name_and_applied_in_process():
    """A fresh web process has imported no tasks module; in eager mode (no broker) the run
    must still happen in-process, not be handed to a broker that is not there."""
    root = Path(__file__).resolve().parent.parent
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "true", "HOME": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["before"] is False
    assert result["sent"] == [["matching.tasks.matching_run", ["manual", None], {}]]
