from django.shortcuts import render

from accounts.models import Role
from accounts.permissions import role_required


@role_required(Role.COORDINATOR)
def index(request):
    return render(request, "matching/index.html")
