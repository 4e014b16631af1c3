from django.core.management import call_command

from accounts.models import Role, User
from staffing.models import Agency, EmployeeProfile, Unit, Worker


def test_demo_municipality_is_complete_and_idempotent(db, settings, capsys):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo", "--scale", "0.05")
    first = capsys.readouterr().out
    counts = (Unit.objects.count(), Worker.objects.count(), User.objects.count())

    call_command("demo", "--scale", "0.05")
    second = capsys.readouterr().out

    assert (Unit.objects.count(), Worker.objects.count(), User.objects.count()) == counts
    assert "nothing new" in second
    assert "leader2@dugnad.test" in first
    assert Unit.objects.count() == 40
    assert EmployeeProfile.objects.count() == 100
    assert Agency.objects.count() == 3
    assert set(User.objects.values_list("role", flat=True)) >= {r.value for r in Role}
    leader = User.objects.get(email="leader@dugnad.test")
    leader2 = User.objects.get(email="leader2@dugnad.test")
    assert leader.check_password("dugnad-demo")
    assert leader.led_units.get().district != leader2.led_units.get().district
