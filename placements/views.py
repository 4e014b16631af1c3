from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import role_required
from core.http import safe_next
from core.pagination import paginate
from placements import selectors, services
from placements.filters import ChecklistItemFilter
from placements.forms import (
    BulkDoneForm,
    ContractForm,
    ItemStatusForm,
    NotApplicableForm,
    PersonSearchForm,
    PoliceCertificateForm,
    SystemAccessForm,
    WorkerContactForm,
)
from placements.models import ITEM_TYPES_WITH_DATA, ChecklistItem, ItemType
from staffing import selectors as staffing_selectors
from staffing import services as staffing_services


@require_GET
@role_required(Role.HR)
def onboarding_queue(request):
    item_filter = ChecklistItemFilter(request.GET, queryset=selectors.checklist_queue())
    items = item_filter.qs if item_filter.is_valid() else ChecklistItem.objects.none()
    page, query = paginate(request, items)
    return render(
        request,
        "placements/onboarding_queue.html",
        {
            "filter": item_filter,
            "page_obj": page,
            "query": query,
            "today": services.local_today(),
            "soon": services.local_today() + selectors.DUE_SOON,
            "no_bulk_types": ITEM_TYPES_WITH_DATA,
        },
    )


PEOPLE_SEARCH_SESSION_KEY = "placements:onboarding-people-search"


@require_http_methods(["GET", "POST"])
@role_required(Role.HR)
def onboarding_people(request):
    """The queue by person: who has open items, the most urgent first. A search is posted and
    kept in the session, so a name never lands in an address or an access log."""
    form = None
    if request.method == "POST":
        form = PersonSearchForm(request.POST)
        if form.is_valid():
            term = "" if "clear" in request.POST else form.cleaned_data["q"]
            if term:
                request.session[PEOPLE_SEARCH_SESSION_KEY] = term
            else:
                request.session.pop(PEOPLE_SEARCH_SESSION_KEY, None)
            return redirect("placements:onboarding_people")
    search = request.session.get(PEOPLE_SEARCH_SESSION_KEY, "")
    page, query = paginate(request, selectors.onboarding_people(request.user, search=search))
    return render(
        request,
        "placements/onboarding_people.html",
        {
            "search_form": form or PersonSearchForm(initial={"q": search}),
            "search": search,
            "page_obj": page,
            "query": query,
            "today": services.local_today(),
        },
        status=400 if form is not None else 200,
    )


@require_POST
@role_required(Role.HR)
def onboarding_bulk_done(request):
    form = BulkDoneForm(request.POST, queryset=selectors.checklist_items_for_hr(request.user))
    if form.is_valid():
        count = services.checklist_items_mark_done(
            items=form.cleaned_data["items"], by=request.user
        )
        messages.success(request, _("%(count)s items marked as done.") % {"count": count})
    else:
        messages.error(request, _("Select at least one item."))
    return redirect(safe_next(request, "placements:onboarding"))


def _item_form(item: ChecklistItem, data=None):
    prefix = f"item-{item.pk}"
    if item.item_type == ItemType.POLICE_CERTIFICATE:
        certificate = item.police_certificate
        initial = {"purpose": services.certificate_purpose_for(item.placement.unit)}
        if certificate:
            initial = {
                "purpose": certificate.purpose,
                "issued_on": certificate.issued_on,
                "presented_on": certificate.presented_on,
                "cleared": certificate.cleared,
            }
        return PoliceCertificateForm(data, prefix=prefix, initial=initial)
    if item.item_type == ItemType.CONTRACT:
        contract = getattr(item.placement, "contract", None)
        initial = {}
        if contract:
            initial = {
                "contract_type": contract.contract_type,
                "legal_ground": contract.legal_ground,
                "starts_on": contract.starts_on,
                "ends_on": contract.ends_on,
                "signed_on": contract.signed_on,
            }
        return ContractForm(data, prefix=prefix, initial=initial)
    if item.item_type == ItemType.SYSTEM_ACCESS:
        initial = {"ordered_on": item.access_ordered_on, "granted_on": item.access_granted_on}
        return SystemAccessForm(data, prefix=prefix, initial=initial)
    return ItemStatusForm(
        data,
        prefix=prefix,
        initial={"status": item.status, "reason": item.not_applicable_reason, "note": item.note},
    )


def _render_detail(request, placement, *, bound=None, contact_form=None, status=200):
    """The placement's page. `bound` is one bound form, or {prefix: bound form} when the whole
    checklist was posted at once: those forms are shown as typed, with their errors."""
    if bound is None:
        bound_forms = {}
    elif isinstance(bound, dict):
        bound_forms = bound
    else:
        bound_forms = {bound.prefix: bound}
    items = selectors.placement_checklist(placement)
    rows = []
    for item in items:
        item.placement = placement
        form = bound_forms.get(f"item-{item.pk}") or _item_form(item)
        na_form = bound_forms.get(f"na-{item.pk}") or NotApplicableForm(prefix=f"na-{item.pk}")
        # The "not applicable" fields sit inside the checklist's one form on the page but
        # belong to their own small form (HTML forms cannot nest).
        na_form.fields["reason"].widget.attrs["form"] = f"na-form-{item.pk}"
        rows.append(
            {
                "item": item,
                "form": form,
                "na_form": na_form,
                "has_data": item.item_type in (*ITEM_TYPES_WITH_DATA, ItemType.SYSTEM_ACCESS),
            }
        )
    worker = placement.worker
    return render(
        request,
        "placements/placement_detail.html",
        {
            "placement": placement,
            "worker": worker,
            "rows": rows,
            "has_errors": any(form.errors for form in bound_forms.values()),
            "span": selectors.placement_shift_span(placement),
            "other_placements": selectors.worker_other_active_placements(placement),
            "contact_form": contact_form
            or WorkerContactForm(
                initial={
                    "email": worker.email,
                    "phone": worker.phone,
                    "contact_channel": worker.contact_channel,
                    "language": worker.language,
                }
            ),
            "today": services.local_today(),
            "audit": selectors.placement_audit_trail(placement, items),
        },
        status=status,
    )


@require_GET
@role_required(Role.HR)
def placement_detail(request, pk: int):
    placement = selectors.placement_get_for_hr(request.user, pk)
    staffing_services.worker_record_opened(worker=placement.worker, by=request.user)
    return _render_detail(request, placement)


def _apply_item_form(item: ChecklistItem, data: dict, by) -> None:
    if item.item_type == ItemType.POLICE_CERTIFICATE:
        services.police_certificate_record(item=item, by=by, **data)
    elif item.item_type == ItemType.CONTRACT:
        services.contract_record(item=item, by=by, **data)
    elif item.item_type == ItemType.SYSTEM_ACCESS:
        services.system_access_record(item=item, by=by, **data)
    else:
        services.checklist_item_set_status(item=item, by=by, **data)


@require_POST
@role_required(Role.HR)
def checklist_item_update(request, pk: int):
    item = selectors.checklist_item_get_for_hr(request.user, pk)
    placement = selectors.placement_get_for_hr(request.user, item.placement_id)
    item.placement = placement
    # "Not applicable" is open to every item type, with a reason.
    not_applicable = request.POST.get("action") == "not_applicable"
    if not_applicable:
        form = NotApplicableForm(request.POST, prefix=f"na-{item.pk}")
    else:
        form = _item_form(item, request.POST)
    if form.is_valid():
        try:
            if not_applicable:
                services.checklist_item_set_status(
                    item=item,
                    by=request.user,
                    status=ChecklistItem.Status.NOT_APPLICABLE,
                    reason=form.cleaned_data["reason"],
                )
            else:
                _apply_item_form(item, form.cleaned_data, request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved: %(item)s") % {"item": item.label})
            return redirect("placements:placement_detail", pk=placement.pk)
    return _render_detail(request, placement, bound=form)


@require_POST
@role_required(Role.HR)
def checklist_save(request, pk: int):
    """The whole checklist in one form: every item whose fields changed is recorded through its
    own service, with its own rules; items with errors are shown again as typed."""
    placement = selectors.placement_get_for_hr(request.user, pk)
    failed = {}
    saved = 0
    posted = {key.split("-", 2)[1] for key in request.POST if key.startswith("item-")}
    for item in selectors.placement_checklist(placement):
        item.placement = placement
        if str(item.pk) not in posted:
            continue  # not on the page that was posted (added since it was opened)
        form = _item_form(item, request.POST)
        if not form.has_changed():
            continue
        if form.is_valid():
            try:
                _apply_item_form(item, form.cleaned_data, request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                saved += 1
                continue
        failed[form.prefix] = form
    if failed:
        if saved:
            messages.success(request, _("%(count)s items saved.") % {"count": saved})
        messages.error(
            request,
            _("%(count)s items were not saved: correct them below (what you typed is kept).")
            % {"count": len(failed)},
        )
        placement.refresh_from_db()
        return _render_detail(request, placement, bound=failed, status=400)
    if saved:
        messages.success(request, _("%(count)s items saved.") % {"count": saved})
    else:
        messages.info(request, _("Nothing was changed."))
    return redirect("placements:placement_detail", pk=placement.pk)


@require_POST
@role_required(Role.HR)
def worker_contact_update(request, pk: int):
    placement = selectors.placement_get_for_hr(request.user, pk)
    form = WorkerContactForm(request.POST)
    if form.is_valid():
        staffing_services.worker_contact_update(
            worker=placement.worker, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("Contact details saved."))
        return redirect("placements:placement_detail", pk=placement.pk)
    return _render_detail(request, placement, contact_form=form)


@require_GET
@role_required(Role.UNIT_LEADER, Role.COORDINATOR, Role.HR)
def placement_overview(request):
    page, query = paginate(request, selectors.placements_for_overview(request.user))
    readiness = selectors.placement_readiness_for(page.object_list)
    rows = [{"placement": p, "readiness": readiness[p.pk]} for p in page.object_list]
    return render(
        request,
        "placements/placement_list.html",
        {"page_obj": page, "rows": rows, "query": query},
    )


@require_GET
@role_required(Role.HR)
def hpr_queue(request):
    page, query = paginate(request, staffing_selectors.workers_awaiting_hpr_verification())
    return render(request, "placements/hpr_queue.html", {"page_obj": page, "query": query})


@require_POST
@role_required(Role.HR)
def hpr_verify(request, pk: int):
    worker = staffing_selectors.worker_get_for_hpr_verification(request.user, pk)
    try:
        staffing_services.worker_hpr_verify(worker=worker, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("HPR number of %(name)s marked as verified.") % {"name": worker.full_name}
        )
    return redirect("placements:hpr_queue")
