from django.shortcuts import render

from accounts.models import Role
from accounts.permissions import role_required


@role_required(Role.HR)
def onboarding_queue(request):
    return render(request, "staffing/onboarding_queue.html")
