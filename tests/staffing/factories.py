import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Role, User
from staffing.models import (
    Agency,
    AgreementRate,
    Availability,
    District,
    EmployeeProfile,
    FrameworkAgreement,
    ITSystem,
    Qualification,
    Sector,
    Skill,
    Unit,
    Worker,
    WorkerSource,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@dugnad.test")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Brukersen{n}")
    role = Role.COORDINATOR
    password = factory.PostGenerationMethodCall("set_password", "dugnad-test")

    @factory.post_generation
    def led_units(self, create, extracted, **kwargs):
        if create and extracted:
            self.led_units.set(extracted)
        if create:
            self.save()


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"district-{n}")
    name = factory.Sequence(lambda n: f"Distrikt {n}")


class ITSystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ITSystem
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"System {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"Enhet {n}")
    sector = Sector.HEALTH_AND_CARE
    district = factory.SubFactory(DistrictFactory)
    is_critical = False


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"qual-{n}")
    name = factory.Sequence(lambda n: f"Kompetanse {n}")
    is_health = True


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"skill-{n}")
    name = factory.Sequence(lambda n: f"Ferdighet {n}")


def standard_qualifications() -> dict[str, Qualification]:
    """The qualification ladder used across tests: nurse covers health worker covers
    auxiliary nurse covers care assistant; students fill assistant needs only."""
    spec = [
        ("sykepleier", "Sykepleier", True, False, 90),
        ("vernepleier", "Vernepleier", True, False, 85),
        ("lege", "Lege", True, False, 100),
        ("helsefagarbeider", "Helsefagarbeider", True, False, 60),
        ("hjelpepleier", "Hjelpepleier", True, False, 55),
        ("sykepleierstudent", "Sykepleierstudent", False, True, 30),
        ("medisinstudent", "Medisinstudent", False, True, 35),
        ("assistent", "Assistent", False, False, 10),
    ]
    quals = {
        code: QualificationFactory(
            code=code, name=name, requires_authorisation=auth, is_student=student, rank=rank
        )
        for code, name, auth, student, rank in spec
    }
    quals["sykepleier"].covers.set([quals["helsefagarbeider"]])
    quals["vernepleier"].covers.set([quals["helsefagarbeider"]])
    quals["helsefagarbeider"].covers.set([quals["hjelpepleier"]])
    quals["hjelpepleier"].covers.set([quals["assistent"]])
    quals["sykepleierstudent"].covers.set([quals["assistent"]])
    quals["medisinstudent"].covers.set([quals["assistent"]])
    return quals


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worker
        skip_postgeneration_save = True

    source = WorkerSource.EMPLOYEE
    first_name = "Kari"
    last_name = factory.Sequence(lambda n: f"Prøvestad{n}")
    email = factory.Sequence(lambda n: f"worker{n}@example.test")
    phone = "+4791234567"
    home_district = factory.SubFactory(DistrictFactory)

    @factory.post_generation
    def qualifications(self, create, extracted, **kwargs):
        if create and extracted:
            self.qualifications.set(extracted)

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.set(extracted)

    class Params:
        verified_hpr = factory.Trait(
            hpr_number=factory.Sequence(lambda n: f"{1000000 + n}"),
            hpr_verified_at=factory.LazyFunction(timezone.now),
        )


class EmployeeProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployeeProfile

    worker = factory.SubFactory(WorkerFactory)
    employee_number = factory.Sequence(lambda n: f"T{n:06d}")
    home_unit = factory.SubFactory(UnitFactory)
    position_percent = 100
    wants_more_hours = False


class AvailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Availability

    worker = factory.SubFactory(WorkerFactory)
    start = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    end = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=60))


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Vikarbyrå {n} AS")


class FrameworkAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FrameworkAgreement

    agency = factory.SubFactory(AgencyFactory)
    reference = factory.Sequence(lambda n: f"RA-{n}")
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    valid_to = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=365))


class AgreementRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementRate

    agreement = factory.SubFactory(FrameworkAgreementFactory)
    qualification = factory.SubFactory(QualificationFactory)
    hourly_rate = Decimal("650.00")


# --- onboarding ---------------------------------------------------------------------------------
