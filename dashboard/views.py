from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import Role
from accounts.permissions import can_see_all_units, role_required
from dashboard import charts, grid, selectors


@role_required(Role.COORDINATOR, Role.UNIT_LEADER)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The coordinator's start page (all units) and the leader's (their own units)."""
    coverage = selectors.coverage_for(request.user)
    sees_all = can_see_all_units(request.user)
    is_coordinator = request.user.has_role(Role.COORDINATOR)
    by = grid.by_choice(request.GET.get("by"), sees_all=sees_all)
    return render(
        request,
        "dashboard/coverage.html",
        {
            "coverage": coverage,
            "grid": grid.build(coverage, by, links=is_coordinator),
            "areas": coverage.areas(by),
            "days_chart": charts.days_chart(coverage.days),
            "sources_chart": charts.sources_chart(coverage.sources),
            "states": selectors.STATES,
            "state_labels": selectors.STATE_LABELS,
            "sees_all": sees_all,
            "is_coordinator": is_coordinator,
        },
    )
