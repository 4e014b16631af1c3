from staffing.models import Unit
from staffing.selectors import units_visible_to
from tests.staffing.factories import UnitFactory


def test_subtree_contains_units_at_every_depth(world):
    grandchild = UnitFactory(parent=world.ward, district=world.north)
    ids = Unit.objects.subtree_ids([world.home])
    assert ids == {world.home.pk, world.ward.pk, grandchild.pk}


def test_leader_sees_own_units_and_sub_units_only(world):
    assert set(units_visible_to(world.leader)) == {world.home, world.ward}
    assert set(units_visible_to(world.leader2)) == {world.other}


def test_coordinator_and_hr_see_all_units(world):
    everything = set(Unit.objects.all())
    assert set(units_visible_to(world.coordinator)) == everything
    assert set(units_visible_to(world.hr)) == everything


def test_health_and_care_units_require_a_police_certificate_by_default(world):
    school = UnitFactory(sector="schools", district=world.north)
    assert world.home.police_certificate_default is True
    assert school.police_certificate_default is False
