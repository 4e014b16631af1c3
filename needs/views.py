from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from core.pagination import paginate
from needs import hooks, selectors, services
from needs.filters import NeedOverviewFilter
from needs.forms import CancelForm, NeedCreateForm, NeedEditForm, ShiftFormSet, ShiftRowForm
from needs.models import Need
from needs.shifts import ShiftSpec, check_shifts

LEADER = Role.UNIT_LEADER


def _page(request: HttpRequest, queryset):
    page, query = paginate(request, queryset)
    for need in page.object_list:
        selectors.with_status(need)
    return page, query


MAX_SHIFT_ERRORS_SHOWN = 5


def _add_errors(form, error: ValidationError) -> None:
    if isinstance(error, services.ShiftsInvalid):
        shown = error.messages[:MAX_SHIFT_ERRORS_SHOWN]
        hidden = len(error.messages) - len(shown)
        if hidden:
            shown.append(_("… and %(n)s more shifts with problems.") % {"n": hidden})
        form.add_error(None, shown)
    elif hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@role_required(LEADER, Role.COORDINATOR)
def need_list(request: HttpRequest) -> HttpResponse:
    """Leaders: "My needs" with each shift's coverage. Coordinators: all open needs."""
    if request.user.role == LEADER:
        page, query = _page(request, selectors.needs_for_leader(request.user))
        return render(request, "needs/need_list.html", {"page": page, "query": query})
    overview = selectors.needs_open_overview()
    filterset = NeedOverviewFilter(request.GET or None, queryset=overview)
    page, query = _page(request, filterset.qs if filterset.is_bound else overview)
    return render(
        request, "needs/need_overview.html", {"page": page, "filter": filterset, "query": query}
    )


@role_required(LEADER)
def need_create(request: HttpRequest) -> HttpResponse:
    form = NeedCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            need, _check = services.need_create_draft(
                by=request.user,
                unit=data["unit"],
                qualification=data["qualification"],
                shifts=form.shift_specs(),
                title=data["title"],
                description=data["description"],
                priority=data["priority"],
                requires_police_certificate=data["requires_police_certificate"],
                required_skills=data["required_skills"],
                preferred_skills=data["preferred_skills"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            # Long-shift warnings are shown next to each row on the review page.
            messages.success(request, _("Draft saved. Review the shifts, then submit the need."))
            return redirect("needs:shifts", pk=need.pk)
    return render(request, "needs/need_form.html", {"form": form, "creating": True})


@role_required(LEADER, Role.COORDINATOR)
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_get_for_user(request.user, pk)
    shifts = selectors.need_shifts(need)
    can_change = (
        request.user.role == LEADER or request.user.is_administrator
    ) and need.is_changeable
    return render(
        request,
        "needs/need_detail.html",
        {
            "need": need,
            "shifts": shifts,
            "can_change": can_change,
            "sections": hooks.need_sections(request=request, need=need),
        },
    )


def _unchangeable(request: HttpRequest, need: Need) -> HttpResponse | None:
    if need.is_changeable:
        return None
    messages.error(request, _("A closed or cancelled need cannot be changed."))
    return redirect("needs:detail", pk=need.pk)


@role_required(LEADER)
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_get_editable_for_user(request.user, pk)
    if refused := _unchangeable(request, need):
        return refused
    form = NeedEditForm(request.POST or None, initial=NeedEditForm.initial_for(need))
    if request.method == "POST" and form.is_valid():
        try:
            services.need_update(need=need, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The need was saved."))
            return redirect("needs:detail", pk=need.pk)
    return render(request, "needs/need_form.html", {"form": form, "need": need})


@role_required(LEADER)
def need_shifts(request: HttpRequest, pk: int) -> HttpResponse:
    """Review and adjust the shifts: change times or headcount, remove rows, add shifts."""
    need = selectors.need_get_editable_for_user(request.user, pk)
    if refused := _unchangeable(request, need):
        return refused
    shifts = [s for s in selectors.need_shifts(need) if s.cancelled_at is None]
    initial = [ShiftRowForm.initial_for(s) for s in shifts]
    formset = ShiftFormSet(request.POST or None, initial=initial, prefix="shifts")
    if request.method == "POST" and formset.is_valid():
        by_pk = {s.pk: s for s in shifts}
        rows, kept_forms = [], []
        for form in formset.forms:
            data = form.cleaned_data
            if formset._should_delete_form(form):
                shift = by_pk.get(data.get("id") or form.initial.get("id"))
                if shift is not None:
                    rows.append(services.ShiftChange(shift.pk, shift.start, shift.end, 1, True))
                continue
            if not data:
                continue
            start, end = form.span()
            rows.append(services.ShiftChange(data.get("id"), start, end, data["headcount"]))
            kept_forms.append(form)
        try:
            check = services.need_shifts_update(
                need=need, by=request.user, rows=rows, submit="submit" in request.POST
            )
        except services.ShiftsInvalid as error:
            for index, errors in error.check.errors.items():
                if index < len(kept_forms):
                    kept_forms[index].add_error(None, errors)
                else:
                    formset._non_form_errors.extend(errors)
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            if "submit" in request.POST:
                for warning in check.all_warnings():
                    messages.warning(request, warning)
                messages.success(request, _("The need was submitted. Matching will start."))
                return redirect("needs:detail", pk=need.pk)
            messages.success(request, _("The shifts were saved."))
            return redirect("needs:shifts", pk=need.pk)
    warnings = {}
    if not formset.is_bound:
        check = check_shifts(
            [ShiftSpec(s.start, s.end, s.headcount) for s in shifts],
            now=need.created_at,
            max_hours=settings.DUGNAD["MAX_HOURS_PER_24_HOURS"],
            warn_hours=settings.DUGNAD["LONG_SHIFT_WARNING_HOURS"],
        )
        warnings = check.warnings
    rows = [
        (form, shifts[i] if i < len(shifts) else None, warnings.get(i, []))
        for i, form in enumerate(formset.forms)
    ]
    return render(
        request,
        "needs/need_shifts.html",
        {"need": need, "formset": formset, "rows": rows},
    )


@require_POST
@role_required(LEADER)
def need_submit(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_get_editable_for_user(request.user, pk)
    try:
        services.need_submit(need=need, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("needs:shifts", pk=need.pk)
    messages.success(request, _("The need was submitted. Matching will start."))
    return redirect("needs:detail", pk=need.pk)


@role_required(LEADER)
def need_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.need_get_editable_for_user(request.user, pk)
    if refused := _unchangeable(request, need):
        return refused
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.need_cancel(need=need, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The need was cancelled."))
            return redirect("needs:detail", pk=need.pk)
    return render(request, "needs/need_cancel.html", {"need": need, "form": form})
