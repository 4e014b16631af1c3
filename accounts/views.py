from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.models import Role

START_PAGES = {
    Role.UNIT_LEADER: "dashboard:coverage",
    Role.COORDINATOR: "dashboard:coverage",
    Role.HR: "placements:onboarding",
    Role.VOLUNTEER_COORDINATOR: "volunteers:queue",
}


def home(request):
    """Each role's start page; anonymous visitors get the landing page."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "landing.html")
    if user.is_administrator:
        return render(request, "home_admin.html")
    start = START_PAGES.get(user.role)
    if start is None:
        return render(request, "home_no_role.html", status=403)
    return redirect(reverse(start))
