from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

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
    items = selectors.placement_checklist(placement)
    rows = []
    for item in items:
        item.placement = placement
        form = bound if bound is not None and bound.prefix == f"item-{item.pk}" else None
        na_form = bound if bound is not None and bound.prefix == f"na-{item.pk}" else None
        rows.append(
            {
                "item": item,
                "form": form or _item_form(item),
                "na_form": na_form or NotApplicableForm(prefix=f"na-{item.pk}"),
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
            "span": selectors.placement_shift_span(placement),
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
            messages.success(request, _("Saved: %(item)s") % {"item": item.title})
            return redirect("placements:placement_detail", pk=placement.pk)
    return _render_detail(request, placement, bound=form)


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
