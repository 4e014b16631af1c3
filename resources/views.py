import csv
import datetime as dt
import tempfile

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import role_required
from core.pagination import paginate
from resources import selectors
from resources.forms import PeopleImportForm, RegisterSearchForm, WeekForm
from resources.status import Status
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


def _csv_cell(value: str) -> str:
    # A spreadsheet would run a cell that starts like a formula.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@role_required(*selectors.REGISTER_ROLES)
def register_export_csv(request):
    _filter, workers, _search = _register_filter(request)
    count = workers.count()
    audit_workers_exported(by=request.user, count=count, kind="csv")
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff"
        for row in selectors.worker_register_rows(workers.iterator(chunk_size=500)):
            yield writer.writerow([_csv_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name("csv")}"'
    return response


@require_GET
@role_required(*selectors.REGISTER_ROLES)
def register_export_xlsx(request):
    import openpyxl

    _filter, workers, _search = _register_filter(request)
    count = workers.count()
    audit_workers_exported(by=request.user, count=count, kind="xlsx")
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(str(_("Resources"))[:31])
    for row in selectors.worker_register_rows(workers.iterator(chunk_size=500)):
        sheet.append([_csv_cell(value) for value in row])
    out = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
    book.save(out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=_export_name("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --- a person's page ----------------------------------------------------------------------------


@require_GET
@role_required(*selectors.REGISTER_ROLES)
def person(request, pk: int):
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
            "today": today,
        },
    )


def _iso_week(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"
