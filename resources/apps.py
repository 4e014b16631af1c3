from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    """The coordinator's resource register, a person's page and the import page.

    It reads from every source and shows placement and proposal states, so it sits on top of
    the layers (above `matching`); it owns no tables and writes through the owners' services."""

    name = "resources"
    verbose_name = _("Resources")
