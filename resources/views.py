import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import role_required
from core import spreadsheets
from core.pagination import paginate
from placements import services as placement_services
from resources import selectors, services
from resources.forms import (
    AbsenceForm,
    CredentialForm,
    PeopleImportForm,
    RecallForm,
    RegisterSearchForm,
    ReleaseForm,
    WeekForm,
)
from resources.status import Status
from staffing import capacity
from staffing import people_import as importing
from staffing.audit import audit_workers_exported
from staffing.models import PeopleImport
from staffing.services import worker_record_opened


@require_http_methods(["GET", "POST"])
@role_required(*selectors.IMPORTERS)
def people_import_upload(request):
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        people_import = importing.people_import_check(
            data=upload.read(),
            filename=upload.name,
            source=form.cleaned_data["source"],
            agency=form.cleaned_data["agency"],
            full=form.cleaned_data["full"],
            by=request.user,
        )
        return redirect("resources:import_detail", pk=people_import.pk)
    return render(
        request,
        "resources/people_import_upload.html",
        {"form": form, "imports": selectors.people_imports_recent(request.user)},
        status=400 if form.is_bound else 200,
    )


@role_required(*selectors.IMPORTERS)
def people_import_detail(request, pk: int):
    people_import = selectors.people_import_get_for_user(request.user, pk)
    return render(
        request,
        "resources/people_import_detail.html",
        {
            "people_import": people_import,
            "report": people_import.report,
            "counts": people_import.report.get("counts", {}),
            "rows": selectors.people_import_report_rows(people_import),
            "can_apply": people_import.status == PeopleImport.Status.CHECKED,
        },
    )


@require_POST
@role_required(*selectors.IMPORTERS)
def people_import_apply(request, pk: int):
    people_import = selectors.people_import_get_for_user(request.user, pk)
    try:
        people_import = importing.people_import_run(people_import=people_import, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if people_import.status == PeopleImport.Status.APPLIED:
            messages.success(request, _("The file was imported."))
        else:
            messages.error(
                request,
                _("Nothing was imported: the file no longer fits the data. Read the report."),
            )
    return redirect("resources:import_detail", pk=people_import.pk)


# --- the register -------------------------------------------------------------------------------

SEARCH_SESSION_KEY = "resources:register-search"


def _register_url(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    return reverse("resources:register") + (f"?{query}" if query else "")


def _register_filter(request):
    search = request.session.get(SEARCH_SESSION_KEY, "")
    register_filter, workers = selectors.worker_register(
        user=request.user, params=request.GET, search=search
    )
    return register_filter, workers, search


@require_http_methods(["GET", "POST"])
@role_required(*selectors.REGISTER_ROLES)
def register(request):
    if request.method == "POST":
        form = RegisterSearchForm(request.POST)
        if form.is_valid():
            term = "" if "clear" in request.POST else form.cleaned_data["q"]
            if term:
                request.session[SEARCH_SESSION_KEY] = term
            else:
                request.session.pop(SEARCH_SESSION_KEY, None)
            return redirect(_register_url(request))
    else:
        form = None
    register_filter, workers, search = _register_filter(request)
    page, query = paginate(request, workers)
    labels = {code: str(label) for code, label in Status.CHOICES}
    for worker in page.object_list:
        worker.status_label = labels.get(worker.status_code, "")
    return render(
        request,
        "resources/register.html",
        {
            "filter": register_filter,
            "search_form": form or RegisterSearchForm(initial={"q": search}),
            "search": search,
            "page_obj": page,
            "query": query,
        },
        status=400 if form is not None else 200,
    )


def _export_name(extension: str) -> str:
    return f"resources-{timezone.localdate().isoformat()}.{extension}"


def _exported_workers(request, kind: str):
    """The workers the register's filter and search select; who exported how many is
    audited (one insert) before the first byte."""
    _filter, workers, _search = _register_filter(request)
    audit_workers_exported(by=request.user, count=workers.count(), kind=kind)
    return workers


@require_GET
@role_required(*selectors.REGISTER_ROLES)
def register_export_csv(request):
    workers = _exported_workers(request, "csv")
    lines = spreadsheets.in_language(
        translation.get_language(),
        spreadsheets.csv_stream(selectors.worker_register_rows(workers)),
    )
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name("csv")}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@role_required(*selectors.REGISTER_ROLES)
def register_export_xlsx(request):
    workers = _exported_workers(request, "xlsx")
    parts = spreadsheets.in_language(
        translation.get_language(),
        spreadsheets.xlsx_stream(
            title=_("Resources"), rows=selectors.worker_register_rows(workers)
        ),
    )
    response = StreamingHttpResponse(parts, content_type=spreadsheets.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_export_name("xlsx")}"'
    response["Cache-Control"] = "no-store"
    return response


# --- a person's page ----------------------------------------------------------------------------


@require_GET
@role_required(*selectors.PERSON_ROLES)
def person(request, pk: int):
    return _render_person(request, pk)


def _render_person(request, pk: int, *, absence_form=None, credential_form=None, status=200):
    worker = selectors.worker_get_for_user(request.user, pk)
    form = WeekForm(request.GET)
    if not form.is_valid():
        return render(request, "400.html", {"form": form}, status=400)
    today = timezone.localdate()
    monday = form.cleaned_data["week"] or today - dt.timedelta(days=today.weekday())
    worker_record_opened(worker=worker, by=request.user)
    worker.status_label = dict(Status.CHOICES).get(worker.status_code, "")
    return render(
        request,
        "resources/person.html",
        {
            "worker": worker,
            "employee": getattr(worker, "employee", None),
            "volunteer": getattr(worker, "volunteer", None),
            "week": selectors.worker_week(worker, monday),
            "monday": monday,
            "previous_week": _iso_week(monday - dt.timedelta(days=7)),
            "next_week": _iso_week(monday + dt.timedelta(days=7)),
            "this_week": _iso_week(monday),
            "placements": selectors.worker_placements(worker),
            "proposals": selectors.worker_open_proposals(worker),
            "absences": capacity.absences_for(worker),
            "absence_form": absence_form or AbsenceForm(prefix="absence"),
            "credentials": selectors.worker_credentials(worker),
            "credential_form": credential_form,
            "can_see_register": request.user.has_role(*selectors.REGISTER_ROLES),
            "today": today,
        },
        status=status,
    )


def _iso_week(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


# --- absences and credentials (HR, coordinators; leaders for their own staff) --------------------

ABSENCE_ROLES = (Role.HR, Role.COORDINATOR, Role.UNIT_LEADER)


def _person_redirect(user, worker_pk: int):
    if user.has_role(*selectors.PERSON_ROLES):
        return redirect("resources:person", pk=worker_pk)
    return redirect("resources:staff_person", pk=worker_pk)


@require_POST
@role_required(*ABSENCE_ROLES)
def absence_add(request, pk: int):
    worker = selectors.absence_worker_get_for_user(request.user, pk)
    form = AbsenceForm(request.POST, prefix="absence")
    if form.is_valid():
        try:
            capacity.absence_create(worker=worker, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, _("The absence is registered. Matching leaves those days out.")
            )
            return _person_redirect(request.user, worker.pk)
    if request.user.has_role(*selectors.PERSON_ROLES):
        return _render_person(request, worker.pk, absence_form=form, status=400)
    return _render_staff_person(request, worker.pk, absence_form=form, status=400)


@require_POST
@role_required(*ABSENCE_ROLES)
def absence_delete(request, pk: int):
    absence = selectors.absence_get_for_user(request.user, pk)
    capacity.absence_delete(absence=absence, by=request.user)
    messages.success(request, _("The absence is removed."))
    return _person_redirect(request.user, absence.worker_id)


@require_POST
@role_required(*capacity.CREDENTIAL_ROLES)
def credential_update(request, pk: int):
    worker = selectors.worker_get_for_user(request.user, pk)
    form = CredentialForm(request.POST)
    if form.is_valid():
        try:
            capacity.credential_valid_until_set(
                worker=worker,
                kind=form.cleaned_data["kind"],
                pk=form.cleaned_data["pk"],
                valid_until=form.cleaned_data["valid_until"],
                by=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The date is saved."))
            return redirect("resources:person", pk=worker.pk)
    return _render_person(request, worker.pk, credential_form=form, status=400)


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- release from the home unit (the home unit's leader) ----------------------------------------


@require_GET
@role_required(*selectors.LEADER_ROLES)
def staff(request):
    page, query = paginate(request, selectors.staff_for_leader(request.user))
    return render(request, "resources/staff_list.html", {"page_obj": page, "query": query})


def _render_staff_person(
    request, pk: int, *, release_form=None, recall_form=None, absence_form=None, status=200
):
    worker = selectors.staff_get_for_leader(request.user, pk)
    today = timezone.localdate()
    releases = list(selectors.staff_releases(worker))
    for release in releases:
        release.weekly_hours = capacity.release_weekly_hours(release)
    return render(
        request,
        "resources/staff_person.html",
        {
            "worker": worker,
            "employee": worker.employee,
            "releases": releases,
            "redeployments": selectors.staff_redeployments(worker),
            "absences": capacity.absences_for(worker),
            "release_form": release_form
            or ReleaseForm(
                prefix="release",
                initial={"starts_on": today, "ends_on": today + dt.timedelta(days=20)},
            ),
            "recall_form": recall_form
            or RecallForm(prefix="recall", initial={"back_on": capacity.recall_earliest()}),
            "recall_earliest": capacity.recall_earliest(),
            "absence_form": absence_form or AbsenceForm(prefix="absence"),
            "today": today,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@role_required(*selectors.LEADER_ROLES)
def staff_person(request, pk: int):
    if request.method == "GET":
        return _render_staff_person(request, pk)
    worker = selectors.staff_get_for_leader(request.user, pk)
    form = ReleaseForm(request.POST, prefix="release")
    if form.is_valid():
        data = form.cleaned_data
        try:
            capacity.release_create(
                worker=worker,
                by=request.user,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                weekdays=data["weekdays"],
                day_from=data["day_from"],
                day_to=data["day_to"],
                share_percent=data["share_percent"],
                note=data["note"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is released. The staffing unit sees the free capacity now.")
                % {"name": worker.full_name},
            )
            return redirect("resources:staff_person", pk=worker.pk)
    return _render_staff_person(request, pk, release_form=form, status=400)


@require_POST
@role_required(*selectors.LEADER_ROLES)
def release_recall(request, pk: int):
    release = selectors.release_get_for_leader(request.user, pk)
    form = RecallForm(request.POST, prefix="recall")
    if form.is_valid():
        try:
            services.release_recall(
                release=release, by=request.user, back_on=form.cleaned_data["back_on"]
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is recalled. The person and the staffing unit are told.")
                % {"name": release.worker.full_name},
            )
            return redirect("resources:staff_person", pk=release.worker_id)
    return _render_staff_person(request, release.worker_id, recall_form=form, status=400)


@require_POST
@role_required(*selectors.LEADER_ROLES)
def redeployment_confirm(request, pk: int):
    item = selectors.confirmation_get_for_leader(request.user, pk)
    placement_services.home_leader_confirm(item=item, by=request.user)
    messages.success(request, _("Your confirmation is recorded."))
    return redirect("resources:staff_person", pk=item.placement.worker_id)
