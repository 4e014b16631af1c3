from urllib.parse import quote, urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import role_required
from matching import offers, refill, section_14_3, selectors, services, slot_states
from matching.filters import MatchingFilter
from matching.forms import (
    AssignForm,
    OfferAnswerForm,
    PickAlternativeForm,
    ProposalSelectionForm,
    RejectForm,
    Section143Form,
    WhyNotSearchForm,
)
from matching.models import AutoOffer
from matching.triggers import matching_run_request_now
from needs.models import Need
from staffing.models import Worker

COORDINATOR = Role.COORDINATOR


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


def _approved_text(placement) -> str:
    return _("Approved: %(worker)s is placed at %(unit)s.") % {
        "worker": placement.worker.full_name,
        "unit": placement.unit.name,
    }


def _sent_notices(sent, errors) -> list[tuple[str, str]]:
    notices = []
    if sent:
        notices.append(("success", _("%(n)s offers sent.") % {"n": len(sent)}))
    notices += [("error", e) for e in errors]
    return notices


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _back_query(request: HttpRequest) -> str:
    """The list's filters and page as they were when the action was taken (posted back by
    every form of the list), so that the coordinator lands where they were."""
    query = request.POST.get("back") or request.GET.get("back", "")
    if len(query) > 2000 or any(c in query for c in "\r\n#"):
        return ""
    return query.lstrip("?")


def _back_params(back: str) -> dict[str, str]:
    """The list's filters as the rows' links carry them on (`back`, see _back_query), built
    once for the whole list rather than on every row."""
    encoded = quote(back) if back else ""  # as the template filter urlencode
    return {
        "back": back,
        "back_param": f"?back={encoded}" if encoded else "",
        "back_also": f"&back={encoded}" if encoded else "",
    }


def _back(request: HttpRequest, notices: list[tuple[str, str]]) -> HttpResponse:
    """Without JavaScript: the notices as messages, back to the page the action came from (a
    need's page, `next`) or to the filtered list (`back`), never elsewhere."""
    for level, text in notices:
        getattr(messages, level)(request, text)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    query = _back_query(request)
    url = reverse("matching:index")
    return redirect(f"{url}?{query}" if query else url)


def _list_context(request: HttpRequest, query: QueryDict) -> dict:
    filterset = MatchingFilter(query, queryset=Need.objects.none())
    page, groups = selectors.proposal_groups(
        page_number=query.get("page"), filterset=filterset, rows_page=query.get("rows")
    )
    here = query.copy()
    page_params = query.copy()
    page_params.pop("page", None)
    rows_params = query.copy()
    rows_params.pop("rows", None)
    data = filterset.form.cleaned_data if filterset.is_valid() else {}
    kept = {name: str(data[name]) for name in ("date_from", "date_to", "state") if data.get(name)}
    return {
        "filter": filterset,
        # a need's own page ("show all") keeps the date range and the state
        "need_filters": f"&{urlencode(kept)}" if kept else "",
        "page": page,
        "groups": groups,
        "query": page_params.urlencode(),
        "rows_query": rows_params.urlencode(),
        **_back_params(here.urlencode()),
        "reject_form": RejectForm(),
        # one compiled row for every row of the list (an include by name looks it up per row)
        "row_template": get_template("matching/includes/proposal_row.html"),
    }


def _list_response(request: HttpRequest, notices) -> HttpResponse:
    """In place: the list again for the filters it was shown with, the notices on top."""
    query = QueryDict(_back_query(request))
    context = {**_list_context(request, query), "notices": notices}
    return render(request, "matching/includes/proposal_list.html", context)


def _row_response(request: HttpRequest, proposal, notices, form=None) -> HttpResponse:
    """In place: the proposal's row as it is now, with what happened; opened again when a
    form in it needs correcting."""
    row = selectors.proposal_row(proposal)
    context = {
        "p": row,
        "notices": notices,
        "reject_form": form or RejectForm(),
        **_back_params(_back_query(request)),
        "open": form is not None,
    }
    if form is not None:
        context["form"] = PickAlternativeForm(proposal=row)
    return render(request, "matching/includes/proposal_row.html", context)


def _answer(request, *, proposal=None, notices) -> HttpResponse:
    if not _is_htmx(request):
        return _back(request, notices)
    if proposal is not None:
        return _row_response(request, proposal, notices)
    return _list_response(request, notices)


@role_required(COORDINATOR)
def index(request: HttpRequest) -> HttpResponse:
    context = _list_context(request, request.GET)
    context.update(
        {
            "notices": [],
            "runs": selectors.runs_recent(),
            "weights": selectors.weights_for_display(),
        }
    )
    return render(request, "matching/index.html", context)


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
        notices = [("error", _errors(exc))]
    else:
        notices = [("success", _approved_text(placement))]
    return _answer(request, proposal=proposal, notices=notices)


@role_required(COORDINATOR)
@require_POST
def need_approve_all(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_get_for_coordinator(request.user, pk)
    placements, errors = services.proposal_approve_all(need=need, by=request.user)
    notices = []
    if placements:
        notices.append(("success", _("%(n)s proposals approved.") % {"n": len(placements)}))
    notices += [("error", e) for e in errors]
    return _answer(request, notices=notices)


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
            return _answer(
                request, proposal=proposal, notices=[("success", _("The proposal was rejected."))]
            )
    if request.method == "POST" and _is_htmx(request):
        # htmx swaps only 2xx answers: the row comes back open, with the form's errors
        return _row_response(request, proposal, [], form=form)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "matching/proposal_reject.html",
        {"proposal": proposal, "form": form, "back": _back_query(request)},
        status=status,
    )


@role_required(COORDINATOR)
def proposal_alternatives(request: HttpRequest, pk: int) -> HttpResponse:
    """The alternatives of a proposal checked now (loaded when a row is opened)."""
    proposal = selectors.proposal_get_for_user(request.user, pk)
    if not _is_htmx(request):  # a whole page for a browser without JavaScript
        return redirect(f"{reverse('matching:pick', args=[pk])}?{request.GET.urlencode()}")
    form = PickAlternativeForm(proposal=proposal)
    return render(
        request,
        "matching/includes/row_more.html",
        {
            "p": proposal,
            "form": form,
            "reject_form": RejectForm(),
            "back": request.GET.get("back", ""),
        },
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
            return _answer(
                request, proposal=proposal, notices=[("success", _approved_text(placement))]
            )
    if request.method == "POST" and _is_htmx(request):
        errors = [e for errs in form.errors.values() for e in errs]
        return _row_response(request, proposal, [("error", " ".join(errors))])
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "matching/proposal_pick.html",
        {"proposal": proposal, "form": form, "back": _back_query(request)},
        status=status,
    )


# --- "why not this person?" and assignment by hand -------------------------------------------


@role_required(COORDINATOR)
@never_cache
@require_http_methods(["GET", "POST"])
def why_not(request: HttpRequest) -> HttpResponse:
    """For a named person and a shift: the exact rule that stops them, read now. The name
    is posted (never in the address); the shift comes from the row it was asked from."""
    form = WhyNotSearchForm(request.POST or None, initial={"shift": request.GET.get("shift")})
    context = {"form": form, "back": _back_query(request), "verdicts": None}
    if request.method == "POST" and form.is_valid():
        shift = selectors.shift_get_for_coordinator(request.user, form.cleaned_data["shift"])
        workers = selectors.workers_named(form.cleaned_data["q"])
        context.update(
            shift=shift,
            verdicts=selectors.why_not_verdicts(shift, workers),
            assign_form=AssignForm(),
        )
    template = (
        "matching/includes/why_not_result.html" if _is_htmx(request) else ("matching/why_not.html")
    )
    status = (
        400 if request.method == "POST" and not form.is_valid() and not _is_htmx(request) else 200
    )
    return render(request, template, context, status=status)


@role_required(COORDINATOR)
@never_cache
@require_POST
def shift_assign(request: HttpRequest, pk: int) -> HttpResponse:
    shift = selectors.shift_get_for_coordinator(request.user, pk)
    form = AssignForm(request.POST)
    notices: list[tuple[str, str]] = []
    if form.is_valid():
        worker = Worker.objects.filter(pk=form.cleaned_data["worker"]).first()
        if worker is None:
            notices.append(("error", _("That person is no longer in the register.")))
        else:
            try:
                placement = services.worker_assign(
                    shift=shift,
                    worker=worker,
                    by=request.user,
                    said_yes=form.cleaned_data["said_yes"],
                    override_reason=form.cleaned_data["override_reason"],
                )
            except ValidationError as exc:
                notices.append(("error", _errors(exc)))
            else:
                notices.append(("success", _approved_text(placement)))
    else:
        notices.append(("error", _("Pick a person from the list.")))
    if _is_htmx(request):
        return render(
            request,
            "matching/includes/notices.html",
            {"notices": notices},
        )
    return _back(request, notices)


# --- offers: the coordinator's side ----------------------------------------------------------


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


@role_required(COORDINATOR)
@require_POST
def proposal_offer(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_get_for_user(request.user, pk)
    sent, errors = offers.offer_send(proposals=[proposal], by=request.user)
    return _answer(request, proposal=proposal, notices=_sent_notices(sent, errors))


@role_required(COORDINATOR)
@require_POST
def proposals_offer_selected(request: HttpRequest) -> HttpResponse:
    """Offers for the proposals ticked across needs, in one go."""
    form = ProposalSelectionForm(request.POST)
    if not form.is_valid():
        return _answer(request, notices=[("error", " ".join(form.errors.get("proposals", [])))])
    proposals = selectors.proposals_get_for_user(request.user, form.cleaned_data["proposals"])
    sent, errors = offers.offer_send(proposals=proposals, by=request.user)
    return _answer(request, notices=_sent_notices(sent, errors))


@role_required(COORDINATOR)
@require_POST
def need_offer_all(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_get_for_coordinator(request.user, pk)
    sent, errors = offers.offer_send_for_need(need=need, by=request.user)
    return _answer(request, notices=_sent_notices(sent, errors))


@role_required(COORDINATOR)
@require_POST
def offer_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_get_for_user(request.user, pk)
    try:
        offers.offer_withdraw(offer=offer, by=request.user)
    except ValidationError as exc:
        notices = [("error", _errors(exc))]
    else:
        notices = [("success", _("The offer was withdrawn."))]
    proposal = offer.proposal if offer.proposal_id else None
    return _answer(request, proposal=proposal, notices=notices)


@role_required(COORDINATOR)
@require_POST
def offer_remind(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_get_for_user(request.user, pk)
    try:
        offers.offer_remind(offer=offer, by=request.user)
    except ValidationError as exc:
        notices = [("error", _errors(exc))]
    else:
        notices = [("success", _("A reminder with a new link was sent."))]
    return _back(request, notices)


@role_required(COORDINATOR)
@require_POST
def need_auto_offer(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_get_for_coordinator(request.user, pk)
    enabled = request.POST.get("enabled") == "on"
    try:
        refill.need_auto_offer_set(need=need, enabled=enabled, by=request.user)
    except ValidationError as exc:
        notices = [("error", _errors(exc))]
    else:
        if enabled:
            notices = [
                (
                    "success",
                    _("The need is offered automatically until filled: the best are asked first."),
                )
            ]
        else:
            notices = [("success", _("Automatic offers stopped for this need."))]
    return _back(request, notices)


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
