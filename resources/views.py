from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import role_required
from resources import selectors
from resources.forms import PeopleImportForm
from staffing import people_import as importing
from staffing.models import PeopleImport


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
