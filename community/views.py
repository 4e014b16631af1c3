import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import role_required
from community import ratelimit, selectors, services
from community.forms import (
    ActivityForm,
    CloseForm,
    ContactPersonForm,
    FollowUpForm,
    HelpRequestPublicForm,
    HelpRequestStaffForm,
    JourneyStepForm,
    ReferForm,
    TaskAnswerForm,
    TaskEndForm,
    TaskForm,
    TaskSendForm,
    VisitReportForm,
)
from community.models import JourneyStep, Visit
from core.pagination import paginate

STAFF = (Role.VOLUNTEER_COORDINATOR,)


# --- public: the help form --------------------------------------------------------------------


def _form_context(form) -> dict:
    return {"form": form, "retention_days": settings.DUGNAD["HELP_REQUEST_RETENTION_DAYS"]}


@require_http_methods(["GET", "POST"])
def help_form(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = HelpRequestPublicForm(request.POST)
        if ratelimit.is_limited(request):
            form.is_valid()  # what was typed stays in the form
            form.add_error(
                None,
                _(
                    "Many requests have come from your network in the last hour, so we cannot "
                    "take yours just now. Nothing you typed is lost: wait a few minutes and "
                    "press “Send request” again, or phone the municipality's switchboard."
                ),
            )
            return render(request, "community/help_form.html", _form_context(form), status=429)
        if form.data.get("website"):
            ratelimit.hit(request)  # a bot: pretend all went well, keep nothing
            return redirect("community:help_thanks")
        if form.is_valid():
            ratelimit.hit(request)
            services.help_request_submit(data=form.cleaned_data)
            return redirect("community:help_thanks")
    else:
        form = HelpRequestPublicForm(initial={"frequency": "once", "relation": "self"})
    return render(request, "community/help_form.html", _form_context(form))


@require_GET
def help_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "community/help_thanks.html")


@require_GET
def help_privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "community/help_privacy.html",
        {
            "version": settings.DUGNAD["HELP_PRIVACY_NOTICE_VERSION"],
            "retention_days": settings.DUGNAD["HELP_REQUEST_RETENTION_DAYS"],
        },
    )


# --- public: the volunteer's link to one task -------------------------------------------------


def _task_page(request, offer, token, *, answer_form=None, report_form=None, status=200):
    visible = services.task_visible_to_volunteer(offer)
    task = offer.task
    context = {
        "offer": offer,
        "task": task,
        "token": token,
        "visible": visible,
        "closed": None if visible else services.closed_message(offer),
        "answer_form": answer_form or TaskAnswerForm(),
        "report_form": report_form or VisitReportForm(),
        "visits": list(task.visits.all()) if visible else [],
        "today": timezone.localdate(),
    }
    return render(request, "community/task_answer.html", context, status=status)


# No CSRF cookie (as the offer page): the unguessable token in the address proves the form came
# from the link's holder, and a mail app's browser may refuse cookies. GET changes nothing.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def task_answer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        offer = selectors.task_offer_get_by_token(token)
    except Http404:
        return render(request, "community/task_gone.html", status=404)
    if request.method == "POST":
        form = TaskAnswerForm(request.POST)
        if not form.is_valid():
            return _task_page(request, offer, token, answer_form=form, status=400)
        if form.cleaned_data["answer"] == "yes":
            answer = services.task_offer_accept(offer=offer)
        else:
            answer = services.task_offer_decline(offer=offer, reason=form.cleaned_data["reason"])
        messages.info(request, answer.message)
        return redirect("community:task_answer", token=token)
    return _task_page(request, offer, token)


@csrf_exempt
@never_cache
@require_POST
def task_report(request: HttpRequest, token: str) -> HttpResponse:
    try:
        offer = selectors.task_offer_get_by_token(token)
    except Http404:
        return render(request, "community/task_gone.html", status=404)
    form = VisitReportForm(request.POST)
    if not form.is_valid():
        return _task_page(request, offer, token, report_form=form, status=400)
    try:
        visit = services.visit_report(
            offer=offer,
            visit_id=form.cleaned_data["visit"],
            done=form.cleaned_data["outcome"] == "done",
            reason=form.cleaned_data["reason"],
        )
    except services.CommunityError as exc:
        messages.error(request, str(exc))
    else:
        if visit.status == Visit.Status.DONE:
            messages.success(request, _("Thank you for helping! Your report is saved."))
        else:
            messages.success(
                request, _("Thank you for telling us. The coordinator will follow up.")
            )
    return redirect("community:task_answer", token=token)


# --- volunteer coordinator: requests ----------------------------------------------------------


@role_required(*STAFF)
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("view", "new")
    if view not in selectors.REQUEST_VIEWS:
        view = "new"
    page, querystring = paginate(request, selectors.help_request_list(user=request.user, view=view))
    return render(
        request,
        "community/request_list.html",
        {
            "page": page,
            "querystring": querystring,
            "view": view,
            "counts": selectors.request_view_counts(user=request.user),
            "tab": "requests",
        },
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    """Staff enter a request taken on the phone, in the same form the public uses."""
    if request.method == "POST":
        form = HelpRequestStaffForm(request.POST)
        if form.is_valid():
            help_request = services.help_request_submit(
                data=form.cleaned_data, entered_by=request.user
            )
            messages.success(request, _("The request is saved."))
            return redirect("community:request_detail", pk=help_request.pk)
    else:
        form = HelpRequestStaffForm(initial={"frequency": "once", "relation": "self"})
    return render(
        request, "community/request_create.html", {**_form_context(form), "tab": "requests"}
    )


def _detail(request, help_request, *, status=200, **forms):
    return render(
        request,
        "community/request_detail.html",
        {
            "help_request": help_request,
            "tasks": help_request.tasks.select_related("volunteer").order_by("first_on", "pk"),
            "refer_form": forms.get("refer_form") or ReferForm(),
            "close_form": forms.get("close_form") or CloseForm(),
            "task_form": forms.get("task_form")
            or TaskForm(
                initial={
                    "first_on": max(help_request.wanted_on, timezone.localdate()),
                    "frequency": help_request.frequency,
                    "time_of_day": help_request.time_of_day,
                    "last_on": max(help_request.wanted_on, timezone.localdate())
                    + dt.timedelta(weeks=8),
                }
            ),
            "tab": "requests",
        },
        status=status,
    )


@role_required(*STAFF)
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = selectors.help_request_get_for_user(request.user, pk)
    if not help_request.erased_at:
        services.help_request_opened(help_request=help_request, by=request.user)
    return _detail(request, help_request)


def _triage(request, pk, form_class, form_name, action):
    help_request = selectors.help_request_get_for_user(request.user, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return _detail(request, help_request, status=400, **{form_name: form})
    try:
        result = action(help_request, form.cleaned_data)
    except services.CommunityError as exc:
        messages.error(request, str(exc))
        return redirect("community:request_detail", pk=pk)
    return result


@role_required(*STAFF)
@require_POST
def request_accept(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = selectors.help_request_get_for_user(request.user, pk)
    try:
        services.help_request_accept(help_request=help_request, by=request.user)
    except services.CommunityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Accepted. Make a task and send it to volunteers."))
    return redirect("community:request_detail", pk=pk)


@role_required(*STAFF)
@require_POST
def request_refer(request: HttpRequest, pk: int) -> HttpResponse:
    def action(help_request, data):
        services.help_request_refer(
            help_request=help_request,
            by=request.user,
            referred_to=data["referred_to"],
            note=data["note"],
        )
        messages.success(request, _("The referral is recorded and the request closed."))
        return redirect("community:request_list")

    return _triage(request, pk, ReferForm, "refer_form", action)


@role_required(*STAFF)
@require_POST
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    def action(help_request, data):
        services.help_request_close(
            help_request=help_request, by=request.user, reason=data["reason"], note=data["note"]
        )
        messages.success(request, _("The request is closed."))
        return redirect("community:request_list")

    return _triage(request, pk, CloseForm, "close_form", action)


@role_required(*STAFF)
@require_POST
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    def action(help_request, data):
        task = services.task_create(
            help_request=help_request,
            by=request.user,
            first_on=data["first_on"],
            frequency=data["frequency"],
            last_on=data["last_on"],
            time_of_day=data["time_of_day"],
            note=data["note"],
        )
        messages.success(request, _("The task is made. Choose the volunteers to send it to."))
        return redirect("community:task_detail", pk=task.pk)

    return _triage(request, pk, TaskForm, "task_form", action)


# --- volunteer coordinator: tasks -------------------------------------------------------------


@role_required(*STAFF)
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("view", "open")
    if view not in selectors.TASK_VIEWS:
        view = "open"
    page, querystring = paginate(request, selectors.task_list(user=request.user, view=view))
    return render(
        request,
        "community/task_list.html",
        {
            "page": page,
            "querystring": querystring,
            "view": view,
            "counts": selectors.task_view_counts(user=request.user),
            "today": timezone.localdate(),
            "tab": "tasks",
        },
    )


def _task_detail(request, task, *, status=200, **forms):
    candidates = services.task_candidates(task) if task.status in ("open", "offered") else []
    return render(
        request,
        "community/task_detail.html",
        {
            "task": task,
            "help_request": task.request,
            "candidates": candidates,
            "send_form": forms.get("send_form") or TaskSendForm(candidates=candidates),
            "end_form": forms.get("end_form") or TaskEndForm(),
            "follow_up_form": forms.get("follow_up_form") or FollowUpForm(),
            "offers": task.offers.select_related("volunteer").order_by("sent_at", "pk"),
            "visits": task.visits.all(),
            "follow_ups": task.follow_ups.select_related("by"),
            "today": timezone.localdate(),
            "tab": "tasks",
        },
        status=status,
    )


@role_required(*STAFF)
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get_for_user(request.user, pk)
    services.help_request_opened(help_request=task.request, by=request.user)
    return _task_detail(request, task)


@role_required(*STAFF)
@require_POST
def task_send(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get_for_user(request.user, pk)
    candidates = services.task_candidates(task)
    form = TaskSendForm(request.POST, candidates=candidates)
    if not form.is_valid():
        return _task_detail(request, task, status=400, send_form=form)
    try:
        offers, refused = services.task_offer_send(
            task=task, volunteer_ids=form.cleaned_data["volunteers"], by=request.user
        )
    except services.CommunityError as exc:
        messages.error(request, str(exc))
        return redirect("community:task_detail", pk=pk)
    for line in refused:
        messages.warning(request, line)
    if offers:
        messages.success(
            request,
            _("Sent to %(count)s volunteers. The first to say yes takes it.")
            % {"count": len(offers)},
        )
    return redirect("community:task_detail", pk=pk)


@role_required(*STAFF)
@require_POST
def task_end(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get_for_user(request.user, pk)
    form = TaskEndForm(request.POST)
    if not form.is_valid():
        return _task_detail(request, task, status=400, end_form=form)
    try:
        services.task_end(task=task, by=request.user, reason=form.cleaned_data["reason"])
    except services.CommunityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The task has ended."))
    return redirect("community:task_detail", pk=pk)


@role_required(*STAFF)
@require_POST
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get_for_user(request.user, pk)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        return _task_detail(request, task, status=400, follow_up_form=form)
    try:
        services.follow_up_record(
            task=task,
            by=request.user,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )
    except services.CommunityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The follow-up call is recorded."))
    return redirect("community:task_detail", pk=pk)


# --- volunteer coordinator: anonymous reporting -----------------------------------------------


def _period(request) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except (TypeError, ValueError):
        year = today.year
    year = min(max(year, 2000), today.year + 1)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


@role_required(*STAFF)
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    since, until = _period(request)
    return render(
        request,
        "community/report.html",
        {
            "since": since,
            "until": until,
            "year": since.year,
            "counts": selectors.report_counts(since=since, until=until),
            "tab": "report",
        },
    )


@role_required(*STAFF)
@require_GET
def report_export(request: HttpRequest) -> HttpResponse:
    since, until = _period(request)
    content = selectors.requests_csv(
        selectors.requests_for_export(user=request.user, since=since, until=until)
    )
    response = HttpResponse("\ufeff" + content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="help-requests-{since.year}.csv"'
    return response


# --- volunteer contact persons and the journey ------------------------------------------------

JOURNEY = (Role.VOLUNTEER_COORDINATOR, Role.UNIT_LEADER)


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def contacts(request: HttpRequest) -> HttpResponse:
    units = selectors.care_units_with_contacts(user=request.user)
    form = ContactPersonForm(request.POST if request.method == "POST" else None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_person_set(
                unit=form.cleaned_data["unit"], user=form.cleaned_data["user"], by=request.user
            )
        except services.CommunityError as exc:
            form.add_error("user", str(exc))
        else:
            messages.success(request, _("The contact person is saved."))
            return redirect("community:contacts")
    page, querystring = paginate(request, units)
    return render(
        request,
        "community/contact_list.html",
        {"form": form, "page": page, "querystring": querystring, "tab": "journeys"},
        status=400 if form.errors else 200,
    )


@role_required(*JOURNEY)
@require_GET
def journey_list(request: HttpRequest) -> HttpResponse:
    page, querystring = paginate(request, selectors.activity_list(user=request.user))
    return render(
        request,
        "community/journey_list.html",
        {
            "page": page,
            "querystring": querystring,
            "form": ActivityForm() if request.user.has_role(*STAFF) else None,
            "tab": "journeys",
        },
    )


@role_required(*STAFF)
@require_POST
def journey_create(request: HttpRequest) -> HttpResponse:
    form = ActivityForm(request.POST)
    if form.is_valid():
        try:
            activity = services.activity_place(by=request.user, **form.cleaned_data)
        except services.CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The volunteer is placed and the contact person told."))
            return redirect("community:journey_detail", pk=activity.pk)
    page, querystring = paginate(request, selectors.activity_list(user=request.user))
    return render(
        request,
        "community/journey_list.html",
        {"page": page, "querystring": querystring, "form": form, "tab": "journeys"},
        status=400,
    )


def _journey_page(request, activity, *, status=200, bad_step=None, bad_form=None):
    steps = []
    for step in activity.steps.all():
        form = bad_form if bad_step == step.pk else None
        steps.append(
            (
                step,
                form
                or JourneyStepForm(
                    initial={"planned_on": step.planned_on, "done_on": step.done_on},
                    prefix=f"step{step.pk}",
                ),
            )
        )
    order = {kind: i for i, kind in enumerate(JourneyStep.ORDER)}
    steps.sort(key=lambda pair: order.get(pair[0].kind, 99))
    volunteer = activity.volunteer
    return render(
        request,
        "community/journey_detail.html",
        {
            "activity": activity,
            "volunteer": volunteer,
            "steps": steps,
            "course": volunteer.course_signups.select_related("session").order_by(
                "-session__starts_at"
            ),
            "is_coordinator": request.user.has_role(*STAFF),
            "tab": "journeys",
        },
        status=status,
    )


@role_required(*JOURNEY)
@require_GET
def journey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_get_for_user(request.user, pk)
    return _journey_page(request, activity)


@role_required(*JOURNEY)
@require_POST
def journey_step(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    activity = selectors.activity_get_for_user(request.user, pk)
    journey_step = activity.steps.filter(pk=step).first()
    if journey_step is None:
        raise Http404
    form = JourneyStepForm(request.POST, prefix=f"step{journey_step.pk}")
    if not form.is_valid():
        return _journey_page(request, activity, status=400, bad_step=journey_step.pk, bad_form=form)
    try:
        services.journey_step_update(step=journey_step, by=request.user, **form.cleaned_data)
    except services.CommunityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect("community:journey_detail", pk=pk)
