from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RostersConfig(AppConfig):
    """Calendars, rosters and exports of who works where and when, the personal calendar
    feed, and the search across staff pages.

    It shows needs, placements, offers and proposals together, so it sits on top of the
    layers (above `resources`); it owns only the calendar feed's table."""

    name = "rosters"
    verbose_name = _("Rosters")

    def ready(self) -> None:
        from rosters import hooks

        hooks.register()
