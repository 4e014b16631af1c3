from staffing.demo import load as load_organisation
from staffing.models import Availability, Worker, WorkerSource
from volunteers import demo
from volunteers.models import Route, Status, Volunteer


def test_demo_volunteers_are_plausible_idempotent_and_partly_in_the_pool(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_organisation(scale=0.01, seed=1)

    first = demo.load(scale=0.2, seed=1)
    second = demo.load(scale=0.2, seed=1)

    assert first["volunteers"] == 60 == Volunteer.objects.count()
    assert second == {"volunteers": 0}
    pool = Volunteer.objects.filter(status=Status.STAFFING_POOL)
    assert pool.exists()
    assert not pool.filter(worker__isnull=True).exists()
    assert Worker.objects.filter(source=WorkerSource.VOLUNTEER).count() == pool.count()
    assert Availability.objects.filter(worker__source=WorkerSource.VOLUNTEER).exists()
    # the routing rules were applied: nobody with a doctor's licence sits in the pool
    assert not pool.filter(qualifications__code__in=["lege", "medisinstudent"]).exists()
    assert Volunteer.objects.filter(suggested_route=Route.EMERGENCY_CLINIC).exists()
    assert all(v.email.endswith("@example.test") for v in Volunteer.objects.all())
