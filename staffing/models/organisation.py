from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    HEALTH_AND_CARE = "health_care", _("Health and care")
    SCHOOLS = "schools", _("Schools")
    KINDERGARTENS = "kindergartens", _("Kindergartens")
    CULTURE = "culture", _("Culture")
    TECHNICAL = "technical", _("Technical services")
    ADMINISTRATION = "administration", _("Administration")


class District(models.Model):
    """Kommunedel / helse- og omsorgsdistrikt."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ITSystem(models.Model):
    """A system a person needs access to at a unit (e.g. the patient record system)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_clinical = models.BooleanField(_("clinical system"), default=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("IT system")
        verbose_name_plural = _("IT systems")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(models.QuerySet):
    def subtree_ids(self, roots: Iterable["Unit"] | models.QuerySet) -> set[int]:
        """Ids of the given units and all their descendants (one query per tree level)."""
        frontier = {unit.pk for unit in roots}
        found: set[int] = set()
        while frontier:
            found |= frontier
            frontier = (
                set(self.model.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
                - found
            )
        return found

    def critical(self):
        return self.filter(is_critical=True)


class Unit(models.Model):
    """Virksomhet / avdeling. Units form a tree."""

    name = models.CharField(_("name"), max_length=150)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="units", verbose_name=_("district")
    )
    is_critical = models.BooleanField(
        _("critical service"), default=False, help_text=_("Critical services are prioritised.")
    )
    it_systems = models.ManyToManyField(
        ITSystem, blank=True, related_name="units", verbose_name=_("IT systems needed")
    )
    requires_police_certificate = models.BooleanField(
        _("police certificate required"),
        default=False,
        help_text=_("Default for new needs; always on in the health and care sector."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def police_certificate_default(self) -> bool:
        return self.requires_police_certificate or self.sector == Sector.HEALTH_AND_CARE
