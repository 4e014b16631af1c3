from django.shortcuts import render

from accounts.models import Role
from accounts.permissions import role_required


@role_required(Role.UNIT_LEADER, Role.COORDINATOR)
def need_list(request):
    return render(request, "needs/need_list.html")
