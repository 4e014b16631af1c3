import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import role_required
from core import spreadsheets
from core.pagination import paginate
from resources import selectors as resources_selectors
from rosters import ical, search, selectors, services
from rosters.forms import DayForm, ExportForm, StaffSearchForm, WeekForm
from staffing.audit import audit_workers_exported


def _iso_week(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _default_unit(user, units):
    # A leader lands on the (first) unit they lead, sub-units included; coordinators choose.
    if user.role == Role.UNIT_LEADER:
        return units.filter(pk__in=user.led_units.values("pk")).first()
    return None


@require_GET
@never_cache
@role_required(*selectors.ROSTER_ROLES)
def week(request):
    units = selectors.roster_units(request.user)
    form = WeekForm(request.GET or None, units=units)
    if form.is_bound and not form.is_valid():
        return render(request, "rosters/week.html", {"form": form, "units": units}, status=400)
    data = form.cleaned_data if form.is_bound else {}
    unit = data.get("unit") or _default_unit(request.user, units)
    today = timezone.localdate()
    monday = data.get("week") or today - dt.timedelta(days=today.weekday())
    return render(
        request,
        "rosters/week.html",
        {
            "form": form,
            "unit": unit,
            "monday": monday,
            "days": selectors.unit_week(unit=unit, monday=monday) if unit else [],
            "this_week": _iso_week(monday),
            "previous_week": _iso_week(monday - dt.timedelta(days=7)),
            "next_week": _iso_week(monday + dt.timedelta(days=7)),
            "today": timezone.localdate(),
            "show_candidates": request.user.has_role(Role.COORDINATOR),
            "booked": selectors.BOOKED_STATES,
        },
    )


@require_GET
@never_cache
@role_required(*selectors.ROSTER_ROLES)
def day(request):
    units = selectors.roster_units(request.user)
    form = DayForm(request.GET or None, units=units)
    if form.is_bound and not form.is_valid():
        return render(request, "rosters/day.html", {"form": form}, status=400)
    data = form.cleaned_data if form.is_bound else {}
    unit = data.get("unit") or _default_unit(request.user, units)
    the_day = data.get("day") or timezone.localdate()
    return render(
        request,
        "rosters/day.html",
        {
            "form": form,
            "unit": unit,
            "day": the_day,
            "shifts": selectors.roster_shifts(unit=unit, first=the_day, days=1) if unit else [],
            "previous_day": the_day - dt.timedelta(days=1),
            "next_day": the_day + dt.timedelta(days=1),
            "printed_at": timezone.localtime(),
            "booked": selectors.BOOKED_STATES,
        },
    )


def _export_scope(request):
    """The export form, and the placement shifts it selects (None if the form is invalid)."""
    units = selectors.roster_units(request.user)
    form = ExportForm(request.GET, units=units)
    if not form.is_valid():
        return form, None
    unit = form.cleaned_data["unit"]
    unit_ids = selectors.unit_subtree_ids(unit) if unit else units.values_list("pk", flat=True)
    rows = selectors.placement_shifts_for_export(
        units=unit_ids, first=form.cleaned_data["date_from"], last=form.cleaned_data["date_to"]
    )
    return form, rows


def _export_name(form, extension: str) -> str:
    data = form.cleaned_data
    return f"roster-{data['date_from'].isoformat()}-{data['date_to'].isoformat()}.{extension}"


@require_GET
@role_required(*selectors.ROSTER_ROLES)
def export_form(request):
    units = selectors.roster_units(request.user)
    today = timezone.localdate()
    form = ExportForm(
        units=units, initial={"date_from": today, "date_to": today + dt.timedelta(days=13)}
    )
    return render(request, "rosters/export.html", {"form": form})


def _export_refused(request, form):
    return render(request, "rosters/export.html", {"form": form}, status=400)


@require_GET
@role_required(*selectors.ROSTER_ROLES)
def export_csv(request):
    form, rows = _export_scope(request)
    if rows is None:
        return _export_refused(request, form)
    audit_workers_exported(by=request.user, count=rows.count(), kind="roster csv")
    # A streamed body is rendered after the view returns: keep the reader's language.
    lines = spreadsheets.in_language(
        translation.get_language(),
        spreadsheets.csv_stream(selectors.placement_export_rows(rows.iterator(chunk_size=1000))),
    )
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(form, "csv")}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@role_required(*selectors.ROSTER_ROLES)
def export_xlsx(request):
    form, rows = _export_scope(request)
    if rows is None:
        return _export_refused(request, form)
    audit_workers_exported(by=request.user, count=rows.count(), kind="roster xlsx")
    parts = spreadsheets.in_language(
        translation.get_language(),
        spreadsheets.xlsx_stream(
            title=_("Roster"),
            rows=selectors.placement_export_rows(rows.iterator(chunk_size=1000)),
        ),
    )
    response = StreamingHttpResponse(parts, content_type=spreadsheets.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_export_name(form, "xlsx")}"'
    response["Cache-Control"] = "no-store"
    return response


# --- the personal calendar feed ---------------------------------------------------------------


@require_GET
@role_required(*services.FEED_ISSUERS)
def feed_manage(request, pk: int):
    worker = resources_selectors.worker_get_for_user(request.user, pk)
    return render(
        request,
        "rosters/feed_manage.html",
        {"worker": worker, "feed": selectors.calendar_feed_live_for(worker)},
    )


@require_POST
@role_required(*services.FEED_ISSUERS)
def feed_issue(request, pk: int):
    worker = resources_selectors.worker_get_for_user(request.user, pk)
    try:
        services.calendar_feed_issue(worker=worker, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("A calendar link was sent to the person. An earlier link no longer works.")
        )
    return redirect("rosters:feed_manage", pk=worker.pk)


@require_POST
@role_required(*services.FEED_ISSUERS)
def feed_revoke(request, pk: int):
    worker = resources_selectors.worker_get_for_user(request.user, pk)
    if services.calendar_feeds_revoke_for_worker(worker=worker, by=request.user):
        messages.success(request, _("The calendar link no longer works."))
    else:
        messages.info(request, _("This person has no calendar link."))
    return redirect("rosters:feed_manage", pk=worker.pk)


@require_GET
@never_cache
def feed(request, token: str):
    """The feed itself, for calendar apps: no log-in, the secret link is the key."""
    calendar_feed = services.calendar_feed_get_by_token(token)
    if calendar_feed is None:
        raise Http404
    services.calendar_feed_mark_read(feed=calendar_feed)
    body = ical.feed_calendar(selectors.worker_feed_shifts(calendar_feed.worker))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="dugnad.ics"'
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "POST"])
@never_cache
def feed_revoke_by_link(request, token: str):
    """The person stops their own link (the e-mail with the link has this address too)."""
    calendar_feed = services.calendar_feed_get_by_token(token)
    if calendar_feed is None:
        raise Http404
    if request.method == "POST":
        services.calendar_feed_revoke(feed=calendar_feed)
        return render(request, "rosters/feed_revoked.html")
    return render(request, "rosters/feed_revoke.html")


# --- search across staff pages ----------------------------------------------------------------

SEARCH_SESSION_KEY = "rosters:search"


@require_http_methods(["GET", "POST"])
@never_cache
@role_required(*search.SEARCH_ROLES)
def staff_search(request):
    """The term is posted and kept in the session: it never lands in an address or a log."""
    form = None
    if request.method == "POST":
        form = StaffSearchForm(request.POST)
        if form.is_valid():
            term = "" if "clear" in request.POST else form.cleaned_data["term"]
            if term:
                request.session[SEARCH_SESSION_KEY] = term
            else:
                request.session.pop(SEARCH_SESSION_KEY, None)
            return redirect("rosters:search")
    term = request.session.get(SEARCH_SESSION_KEY, "")
    results = search.staff_search(request.user, term)
    kind = request.GET.get("kind")
    if kind not in results.kinds:
        kind = results.first_kind()
    page, query = paginate(request, results.querysets[kind]) if kind else (None, "")
    for obj in page.object_list if page else ():
        obj.result_url = search.result_url(request.user, kind, obj)
    return render(
        request,
        "rosters/search.html",
        {
            "form": form or StaffSearchForm(initial={"term": term}),
            "term": term,
            "results": results,
            "kind": kind,
            "page_obj": page,
            "query": query,
        },
        status=400 if form is not None else 200,
    )
