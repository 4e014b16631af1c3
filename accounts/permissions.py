"""The one door every staff view goes through.

`role_required` guards a view by role; `units_visible_to` scopes data to what a user may see.
Administrators may open every staff page. A unit leader sees only the units they lead and
their sub-units; never another unit's needs or people.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from accounts.models import Role

ALL_STAFF_ROLES = tuple(Role.values)


def role_required(*roles: str) -> Callable:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = frozenset(roles) | {Role.ADMIN.value}  # type: ignore[attr-defined]
        return wrapper

    return decorator


def units_visible_to(user) -> QuerySet:
    """Units whose needs and people this user may see."""
    from staffing.models import Unit

    if not user.is_authenticated or not user.is_active:
        return Unit.objects.none()
    if user.has_role(Role.COORDINATOR, Role.HR, Role.VOLUNTEER_COORDINATOR):
        return Unit.objects.all()
    if user.role == Role.UNIT_LEADER:
        return Unit.objects.filter(pk__in=Unit.objects.subtree_ids(user.led_units.all()))
    return Unit.objects.none()


def can_see_all_units(user) -> bool:
    return user.has_role(Role.COORDINATOR, Role.HR)
