from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import role_required
from matching import offers, refill, section_14_3, selectors, services, slot_states
from matching.forms import OfferAnswerForm, PickAlternativeForm, RejectForm, Section143Form
from matching.models import AutoOffer
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


def _back(request: HttpRequest, default: str = "matching:index") -> HttpResponse:
    """Back to the page the action came from (a need's page or /matching/), never elsewhere."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def need_slots_section(*, request: HttpRequest, need) -> str:
    """The need's page (needs.views.need_detail, through needs.hooks): the state of every
    slot. Coordinators see who and act on it; the unit's leader sees names only once a person
    has said yes."""
    user = request.user
    is_coordinator = user.has_role(COORDINATOR)
    if need.state == need.State.DRAFT:
        return ""
    shift_slots = slot_states.slot_states_for_need(need)
    history = sorted(
        (o for row in shift_slots for o in row.history), key=lambda o: (o.shift.start, -o.pk)
    )
    if is_coordinator:  # an offer whose SMS or e-mail did not arrive: call instead
        selectors.offers_attach_delivery(
            [s.offer for row in shift_slots for s in row.slots if s.offer] + history
        )
    return render_to_string(
        "matching/includes/need_slots.html",
        {
            "need": need,
            "shift_slots": shift_slots,
            "history": history,
            "is_coordinator": is_coordinator,
            "auto_on": AutoOffer.objects.filter(need=need, enabled=True).exists(),
            "can_offer": any(slot.state == "proposed" for row in shift_slots for slot in row.slots),
            "here": request.get_full_path(),
        },
        request=request,
    )


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
    return _back(request)


@role_required(COORDINATOR)
@require_POST
def need_offer_all(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_get_for_coordinator(request.user, pk)
    sent, errors = offers.offer_send_for_need(need=need, by=request.user)
    _tell_sent(request, sent, errors)
    return _back(request)


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
    return _back(request)


@role_required(COORDINATOR)
@require_POST
def offer_remind(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_get_for_user(request.user, pk)
    try:
        offers.offer_remind(offer=offer, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("A reminder with a new link was sent."))
    return _back(request)


@role_required(COORDINATOR)
@require_POST
def need_auto_offer(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_get_for_coordinator(request.user, pk)
    enabled = request.POST.get("enabled") == "on"
    try:
        refill.need_auto_offer_set(need=need, enabled=enabled, by=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        if enabled:
            messages.success(
                request,
                _("The need is offered automatically until filled: the best are asked first."),
            )
        else:
            messages.success(request, _("Automatic offers stopped for this need."))
    return _back(request, "matching:index")


# --- the § 14-3 record ------------------------------------------------------------------------


def _section_14_3_form(request: HttpRequest) -> Section143Form:
    today = timezone.localdate()
    data = request.GET.copy() if request.GET else None
    if data is not None:
        data.setdefault("date_from", "")
        data.setdefault("date_to", "")
    return Section143Form(
        data or {"date_from": today.replace(day=1).isoformat(), "date_to": today.isoformat()}
    )


@role_required(COORDINATOR)
def section_14_3_report(request: HttpRequest) -> HttpResponse:
    form = _section_14_3_form(request)
    rows, total = [], None
    if form.is_valid():
        rows = section_14_3.section_14_3_report(**form.cleaned_data)
        total = section_14_3.section_14_3_total(rows)
    return render(
        request,
        "matching/section_14_3.html",
        {"form": form, "rows": rows, "total": total, "query": request.GET.urlencode()},
        status=200 if form.is_valid() else 400,
    )


@role_required(COORDINATOR)
def section_14_3_export(request: HttpRequest) -> HttpResponse:
    form = _section_14_3_form(request)
    if not form.is_valid():
        return render(
            request,
            "matching/section_14_3.html",
            {"form": form, "rows": [], "total": None, "query": ""},
            status=400,
        )
    rows = section_14_3.section_14_3_report(**form.cleaned_data)
    data = form.cleaned_data
    response = StreamingHttpResponse(
        section_14_3.section_14_3_csv(rows), content_type="text/csv; charset=utf-8"
    )
    name = f"paragraf-14-3_{data['date_from']:%Y-%m-%d}_{data['date_to']:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


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
