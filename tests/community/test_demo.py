from community import demo
from community.models import Activity, HelpRequest, Task, TaskOffer
from staffing.demo import load as load_organisation
from volunteers import demo as volunteers_demo


def test_demo_help_requests_in_several_states_idempotent(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_organisation(scale=0.01, seed=1)
    volunteers_demo.load(scale=0.5, seed=1)

    first = demo.load(scale=1, seed=1)
    assert first["help_requests"] == 8
    assert demo.load(scale=1, seed=1) == {}

    statuses = set(HelpRequest.objects.values_list("status", flat=True))
    assert statuses == {"new", "accepted", "referred", "closed"}
    assert HelpRequest.objects.filter(urgent=True, status="new").exists()
    assert HelpRequest.objects.filter(channel="phone").exists()
    task_states = set(Task.objects.values_list("status", flat=True))
    assert {"offered", "taken", "done"} <= task_states, task_states
    assert TaskOffer.objects.filter(status="pending").exists()
    assert Activity.objects.count() == 1
