"""The one door every staff view goes through.

`role_required` guards a view by role; `staffing.selectors.units_visible_to` scopes data to what
a user may see (it needs the unit tree, so it lives in `staffing`, above `accounts`).
Administrators may open every staff page.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
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


def can_see_all_units(user) -> bool:
    return user.has_role(Role.COORDINATOR, Role.HR)
