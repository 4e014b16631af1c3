from django.shortcuts import render

from accounts.models import Role
from accounts.permissions import role_required


def register(request):
    return render(request, "volunteers/volunteer_register.html")


@role_required(Role.VOLUNTEER_COORDINATOR)
def queue(request):
    return render(request, "volunteers/volunteer_queue.html")
