import datetime as dt

import factory
from django.utils import timezone

from volunteers.models import Status, Volunteer
from volunteers.services import token_hash


class VolunteerFactory(factory.django.DjangoModelFactory):
    """A registration as the form would leave it; pass `token="..."` to know its link."""

    class Meta:
        model = Volunteer
        skip_postgeneration_save = True

    first_name = "Frida"
    last_name = factory.Sequence(lambda n: f"Frivilligsen{n}")
    email = factory.Sequence(lambda n: f"frivillig{n}@example.test")
    phone = "+4791234567"
    available_from = factory.LazyFunction(timezone.localdate)
    wants_contract = True
    consent_version = "test"
    consent_at = factory.LazyFunction(timezone.now)
    status = Status.NEW
    last_activity_at = factory.LazyFunction(timezone.now)

    class Params:
        token = None

    @factory.lazy_attribute
    def token_hash(self):
        return token_hash(self.token) if self.token else ""

    @factory.post_generation
    def qualifications(self, create, extracted, **kwargs):
        if create and extracted:
            self.qualifications.set(extracted)


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)
