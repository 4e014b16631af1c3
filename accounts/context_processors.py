from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

# (label, url name, roles that see it); administrators see every entry.
NAVIGATION = [
    (_("Coverage"), "dashboard:coverage", {Role.UNIT_LEADER, Role.COORDINATOR}),
    (_("My needs"), "needs:list", {Role.UNIT_LEADER}),
    (_("Needs"), "needs:list", {Role.COORDINATOR}),
    (_("Matching"), "matching:index", {Role.COORDINATOR}),
    (_("Onboarding"), "placements:onboarding", {Role.HR}),
    (_("Placements"), "placements:placements", {Role.UNIT_LEADER, Role.COORDINATOR}),
    (_("Volunteers"), "volunteers:queue", {Role.VOLUNTEER_COORDINATOR}),
    (_("Help requests"), "community:request_list", {Role.VOLUNTEER_COORDINATOR}),
    (_("Volunteers at our units"), "community:journey_list", {Role.UNIT_LEADER}),
    (_("Resources"), "resources:register", {Role.COORDINATOR}),
    (_("My staff"), "resources:staff", {Role.UNIT_LEADER}),
    (_("Import people"), "resources:import", {Role.HR}),
    (_("Competence inventories"), "inventory:list", {Role.COORDINATOR, Role.HR}),
    (_("Rosters"), "rosters:week", {Role.UNIT_LEADER, Role.COORDINATOR}),
    (_("Search"), "rosters:search", {Role.UNIT_LEADER, Role.COORDINATOR, Role.HR}),
]
# Roles that get the search box in the header (they find needs, people and placements).
SEARCH_ROLES = {Role.UNIT_LEADER, Role.COORDINATOR, Role.HR}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "staff_search": False}
    items = []
    seen = set()
    for label, url_name, roles in NAVIGATION:
        if url_name in seen or not user.has_role(*roles):
            continue
        seen.add(url_name)
        items.append({"label": label, "url": reverse(url_name)})
    if user.is_staff:
        items.append({"label": _("Administration"), "url": reverse("admin:index")})
    return {"nav_items": items, "staff_search": user.has_role(*SEARCH_ROLES)}
