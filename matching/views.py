from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from matching import selectors, services
from matching.forms import PickAlternativeForm, RejectForm
from matching.triggers import matching_run_request_now
from staffing.models import Worker

COORDINATOR = Role.COORDINATOR


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


def _tell_approved(request, placement) -> None:
    messages.success(
        request,
        _("Approved: %(worker)s is placed at %(unit)s.")
        % {"worker": placement.worker.full_name, "unit": placement.unit.name},
    )


@role_required(COORDINATOR)
def index(request: HttpRequest) -> HttpResponse:
    page, groups = selectors.proposal_groups(page_number=request.GET.get("page"))
    return render(
        request,
        "matching/index.html",
        {
            "page": page,
            "groups": groups,
            "runs": selectors.runs_recent(),
            "weights": selectors.weights_for_display(),
            "reject_form": RejectForm(),
        },
    )


@role_required(COORDINATOR)
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    if matching_run_request_now(requested_by_id=request.user.pk):
        messages.success(
            request, _("Matching has been started. Refresh the page to see the result.")
        )
    else:
        messages.warning(
            request,
            _(
                "Matching cannot start right now because the task queue is unreachable. It "
                "will run later: the next scheduled run after the queue is back includes every "
                "change."
            ),
        )
    return redirect("matching:index")


@role_required(COORDINATOR)
@require_POST
def proposal_approve(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(request.user, pk)
    try:
        placement = services.proposal_approve(proposal=proposal, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        _tell_approved(request, placement)
    return redirect("matching:index")


@role_required(COORDINATOR)
@require_POST
def need_approve_all(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_get_for_coordinator(request.user, pk)
    placements, errors = services.proposal_approve_all(need=need, by=request.user)
    if placements:
        messages.success(request, _("%(n)s proposals approved.") % {"n": len(placements)})
    for error in errors:
        messages.error(request, error)
    return redirect("matching:index")


@role_required(COORDINATOR)
def proposal_reject(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(request.user, pk)
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_reject(
                proposal=proposal, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errs in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The proposal was rejected."))
            return redirect("matching:index")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "matching/proposal_reject.html",
        {"proposal": proposal, "form": form},
        status=status,
    )


@role_required(COORDINATOR)
def proposal_pick(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(request.user, pk)
    form = PickAlternativeForm(request.POST or None, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        worker = Worker.objects.get(pk=form.cleaned_data["worker"])
        try:
            placement = services.proposal_pick_alternative(
                proposal=proposal, worker=worker, by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            _tell_approved(request, placement)
            return redirect("matching:index")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "matching/proposal_pick.html",
        {"proposal": proposal, "form": form},
        status=status,
    )
