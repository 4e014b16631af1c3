from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import role_required
from matching import offers, selectors, services
from matching.forms import OfferAnswerForm, PickAlternativeForm, RejectForm
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


# --- offers: the coordinator's side ----------------------------------------------------------


def _tell_sent(request, sent, errors) -> None:
    if sent:
        messages.success(request, _("%(n)s offers sent.") % {"n": len(sent)})
    for error in errors:
        messages.error(request, error)


@role_required(COORDINATOR)
@require_POST
def proposal_offer(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(request.user, pk)
    sent, errors = offers.offer_send(proposals=[proposal], by=request.user)
    _tell_sent(request, sent, errors)
    return redirect("matching:index")


@role_required(COORDINATOR)
@require_POST
def need_offer_all(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_get_for_coordinator(request.user, pk)
    sent, errors = offers.offer_send_for_need(need=need, by=request.user)
    _tell_sent(request, sent, errors)
    return redirect("matching:index")


@role_required(COORDINATOR)
@require_POST
def offer_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_get_for_user(request.user, pk)
    try:
        offers.offer_withdraw(offer=offer, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("The offer was withdrawn."))
    return redirect("matching:index")


# --- offers: the person's page ---------------------------------------------------------------


def _quiet(response: HttpResponse) -> HttpResponse:
    """Django logs every 4xx with the path, and the path holds the token: not this one."""
    response._has_been_logged = True  # read by django.utils.log.log_response
    return response


# No CSRF cookie: the unguessable token in the address already proves the form came from the
# link's holder, and a person answering from a mail app's browser may refuse cookies.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def offer_answer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        offer = offers.offer_get_by_token(token)
    except Http404:
        return _quiet(render(request, "matching/offer_gone.html", status=404))
    closed = offers.closed_message(offer)
    if closed is not None:
        return _quiet(
            render(request, "matching/offer_closed.html", {"message": closed}, status=410)
        )
    form = OfferAnswerForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            if form.cleaned_data["answer"] == "yes":
                answer = offers.offer_accept(offer=offer)
            else:
                answer = offers.offer_decline(offer=offer, reason=form.cleaned_data["reason"])
            return render(request, "matching/offer_answered.html", {"answer": answer})
        return _quiet(
            render(
                request,
                "matching/offer_answer.html",
                {**offers.offer_context(offer), "form": form},
                status=400,
            )
        )
    return render(
        request, "matching/offer_answer.html", {**offers.offer_context(offer), "form": form}
    )
