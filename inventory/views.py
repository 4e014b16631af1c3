from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import role_required
from core.pagination import paginate
from inventory import selectors, services
from inventory.forms import (
    AnswerForm,
    InventoryStartForm,
    ProgressFilterForm,
    RemindForm,
    VerifyForm,
    answer_initial,
)
from inventory.models import Answer

READERS = (Role.COORDINATOR, Role.HR)


# --- coordinator and HR ----------------------------------------------------------------------


@require_GET
@role_required(*READERS)
def inventory_list(request: HttpRequest) -> HttpResponse:
    page, query = paginate(request, selectors.inventories_for(request.user))
    to_verify = selectors.answers_to_verify(request.user).count()
    return render(
        request,
        "inventory/inventory_list.html",
        {
            "page_obj": page,
            "query": query,
            "to_verify": to_verify,
            "can_start": request.user.has_role(Role.COORDINATOR),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.COORDINATOR)
def inventory_start(request: HttpRequest) -> HttpResponse:
    form = InventoryStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inventory = services.inventory_start(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The inventory has started: the links are being sent."))
            return redirect("inventory:detail", pk=inventory.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "inventory/inventory_start.html", {"form": form}, status=status)


@require_GET
@role_required(*READERS)
def inventory_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inventory = selectors.inventory_get_for_user(request.user, pk)
    progress = selectors.inventory_progress(inventory)
    units = [(row.unit_id, row.unit_name) for row in progress]
    filter_form = ProgressFilterForm(request.GET or None, units=units)
    state, unit_id = "", None
    if filter_form.is_bound and filter_form.is_valid():
        state = filter_form.cleaned_data["state"]
        unit_id = filter_form.cleaned_data["unit"]
    invitations = selectors.invitations_of(inventory, state=state, unit_id=unit_id)
    page, query = paginate(request, invitations)
    totals = {
        key: sum(getattr(row, key) for row in progress)
        for key in ("total", "sent", "opened", "answered", "verified", "not_answered")
    }
    return render(
        request,
        "inventory/inventory_detail.html",
        {
            "inventory": inventory,
            "progress": progress,
            "totals": totals,
            "filter_form": filter_form,
            "page_obj": page,
            "query": query,
            "remind_form": RemindForm(initial={"round": inventory.reminder_round + 1}),
            "expired": inventory.is_expired(),
            "can_remind": request.user.has_role(Role.COORDINATOR),
        },
    )


@require_POST
@role_required(Role.COORDINATOR)
def inventory_remind(request: HttpRequest, pk: int) -> HttpResponse:
    inventory = selectors.inventory_get_for_user(request.user, pk)
    form = RemindForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The reminder could not be sent. Reload the page and try again."))
        return redirect("inventory:detail", pk=inventory.pk)
    try:
        count = services.inventory_remind(
            inventory=inventory, by=request.user, round_no=form.cleaned_data["round"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("inventory:detail", pk=inventory.pk)
    if count:
        messages.success(
            request,
            _("A reminder is being sent to %(count)s people who have not answered.")
            % {"count": count},
        )
    else:
        messages.info(request, _("Nobody was reminded: this reminder was already sent."))
    return redirect("inventory:detail", pk=inventory.pk)


@require_POST
@role_required(*READERS)
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = selectors.invitation_get_for_user(request.user, pk)
    try:
        sent = services.invitation_resend(invitation=invitation, by=request.user)
    except services.LinkClosed as exc:
        messages.error(request, str(exc))
    else:
        if sent:
            messages.success(request, _("The link is being sent again."))
        else:
            messages.error(
                request, _("This person has neither an e-mail address nor a mobile number.")
            )
    return redirect("inventory:detail", pk=invitation.inventory_id)


@require_GET
@role_required(*READERS)
def answer_queue(request: HttpRequest) -> HttpResponse:
    page, query = paginate(request, selectors.answers_to_verify(request.user))
    return render(request, "inventory/answer_queue.html", {"page_obj": page, "query": query})


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(*READERS)
def answer_review(request: HttpRequest, pk: int) -> HttpResponse:
    answer = selectors.answer_get_for_user(request.user, pk)
    if request.method == "POST" and answer.status != Answer.Status.REPORTED:
        messages.info(request, _("This answer has already been handled."))
        return redirect("inventory:answer", pk=answer.pk)
    form = VerifyForm(request.POST or None, answer=answer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "reject":
                services.answer_reject(answer=answer, by=request.user, note=data["note"])
                messages.success(request, _("The answer is marked as not verified."))
            else:
                services.answer_verify(
                    answer=answer,
                    by=request.user,
                    qualifications=data["qualifications"],
                    skills=data["skills"],
                    note=data["note"],
                )
                messages.success(request, _("Verified: the competence now counts in matching."))
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return redirect("inventory:queue")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "inventory/answer_review.html",
        {"answer": answer, "worker": answer.invitation.worker, "form": form},
        status=status,
    )


# --- the employee's link (no log-in) ---------------------------------------------------------


def _quiet(response: HttpResponse) -> HttpResponse:
    """Django logs every 4xx with the path, and the path holds the token: not this one."""
    response._has_been_logged = True  # read by django.utils.log.log_response
    return response


def _door(request: HttpRequest, token: str):
    """The invitation, or the page that says why the link does not open it."""
    try:
        invitation = selectors.invitation_get_by_token(token)
    except Http404:
        return None, _quiet(render(request, "inventory/link_unknown.html", status=404))
    try:
        services.link_check(invitation)
    except services.LinkClosed as exc:
        return None, _quiet(
            render(request, "inventory/link_closed.html", {"message": str(exc)}, status=410)
        )
    return invitation, None


# No CSRF cookie, as on the offer's page: the unguessable token in the address proves the form
# came from the link's holder, and a mail app's browser may refuse cookies.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    invitation, refusal = _door(request, token)
    if refusal is not None:
        return refusal
    current = selectors.answer_for(invitation)
    locked = current is not None and current.status == Answer.Status.VERIFIED
    form = AnswerForm(
        request.POST or None, initial=answer_initial(current), competence_locked=locked
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.answer_save(invitation=invitation, data=form.cleaned_data)
            except services.LinkClosed as exc:
                return _quiet(
                    render(request, "inventory/link_closed.html", {"message": str(exc)}, status=410)
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _(
                        "Thank you! Your answer is saved. You can come back with the same link "
                        "to update your free capacity."
                    ),
                )
                return redirect("inventory_link:answer", token=token)
        return _quiet(
            render(
                request,
                "inventory/answer_form.html",
                {"invitation": invitation, "answer": current, "form": form, "token": token},
                status=400,
            )
        )
    return render(
        request,
        "inventory/answer_form.html",
        {"invitation": invitation, "answer": current, "form": form, "token": token},
    )


@csrf_exempt
@never_cache
@require_POST
def answer_opened(request: HttpRequest, token: str) -> HttpResponse:
    invitation, refusal = _door(request, token)
    if refusal is not None:
        return refusal
    services.invitation_mark_opened(invitation=invitation)
    return HttpResponse(status=204)
