import datetime as dt
import itertools

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import role_required
from core.pagination import paginate
from volunteers import ratelimit, selectors, services
from volunteers.forms import (
    CourseAttendanceForm,
    CourseSessionForm,
    CourseSignupForm,
    MilestoneForm,
    RegistrationForm,
    ScreeningForm,
    SelfUpdateForm,
    volunteer_initial,
)
from volunteers.models import Event, Status

STAFF = (Role.VOLUNTEER_COORDINATOR,)


# --- Public pages (no log-in) -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register(request):
    if request.method == "POST":
        form = RegistrationForm(request.POST)
        if ratelimit.is_limited(request):
            # Everything typed stays in the form; the person can send it again later.
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Many registrations have come from your network in the last hour, so we "
                    "cannot take yours just now. Nothing you typed is lost: wait a few minutes "
                    "and press “Send registration” again, or phone the municipality's "
                    "switchboard."
                ),
            )
            return render(request, "volunteers/volunteer_register.html", {"form": form}, status=429)
        if form.data.get("website"):
            ratelimit.hit(request)  # a bot: pretend all went well, keep nothing
            return redirect("volunteers:thanks")
        if form.is_valid():
            ratelimit.hit(request)
            services.volunteer_register(
                data=form.cleaned_data, language=get_language() or settings.LANGUAGE_CODE
            )
            # One answer whether the address was known or not: the form must not tell anyone
            # who is registered.
            messages.success(
                request,
                _(
                    "Thank you! We have sent an e-mail to the address you gave. If you had "
                    "registered with it before, nothing has been changed: the e-mail has your "
                    "personal link, where you can see and update your registration."
                ),
            )
            return redirect("volunteers:thanks")
    else:
        form = RegistrationForm()
    return render(request, "volunteers/volunteer_register.html", {"form": form})


@require_GET
def thanks(request):
    return render(request, "volunteers/volunteer_thanks.html")


@require_GET
def privacy(request):
    return render(
        request,
        "volunteers/volunteer_privacy.html",
        {
            "version": settings.DUGNAD["PRIVACY_NOTICE_VERSION"],
            "retention_months": settings.DUGNAD["VOLUNTEER_RETENTION_MONTHS"],
        },
    )


@require_http_methods(["GET", "POST"])
def me(request, token: str):
    volunteer = selectors.volunteer_get_by_token(token)
    if request.method == "POST":
        form = SelfUpdateForm(
            request.POST, volunteer=volunteer, initial=volunteer_initial(volunteer)
        )
        if form.is_valid():
            services.volunteer_update_self(volunteer=volunteer, data=form.cleaned_data)
            messages.success(request, _("Your registration has been updated."))
            return redirect("volunteers:me", token=token)
    else:
        form = SelfUpdateForm(volunteer=volunteer, initial=volunteer_initial(volunteer))
    return render(
        request,
        "volunteers/volunteer_me.html",
        {"volunteer": volunteer, "form": form, "token": token, **_course_context(volunteer)},
    )


def _course_context(volunteer) -> dict:
    return {
        "sessions": list(selectors.course_sessions_upcoming()[:20]),
        "my_sessions": set(volunteer.course_signups.values_list("session_id", flat=True)),
    }


@require_POST
def me_course(request, token: str):
    """Sign up for a session of the introduction course, or give the place up."""
    volunteer = selectors.volunteer_get_by_token(token)
    form = CourseSignupForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a session from the list."))
        return redirect("volunteers:me", token=token)
    session_id = form.cleaned_data["session"]
    try:
        if form.cleaned_data["action"] == "join":
            services.course_signup(volunteer=volunteer, session_id=session_id)
            messages.success(request, _("You are signed up for the introduction course."))
        else:
            services.course_signup_cancel(volunteer=volunteer, session_id=session_id)
            messages.success(request, _("Your place on the course is given up."))
    except services.VolunteerError as exc:
        messages.error(request, str(exc))
    return redirect("volunteers:me", token=token)


@require_POST
def me_pause(request, token: str):
    volunteer = selectors.volunteer_get_by_token(token)
    paused = request.POST.get("paused") == "1"
    services.volunteer_pause(volunteer=volunteer, paused=paused)
    if paused:
        messages.success(request, _("Your registration is paused. We will not contact you."))
    else:
        messages.success(request, _("Welcome back! Your registration is active again."))
    return redirect("volunteers:me", token=token)


@require_http_methods(["GET", "POST"])
def me_withdraw(request, token: str):
    volunteer = selectors.volunteer_get_by_token(token)
    if request.method == "POST":
        services.volunteer_withdraw(volunteer=volunteer)
        return render(request, "volunteers/volunteer_withdrawn.html")
    return render(
        request, "volunteers/volunteer_withdraw.html", {"volunteer": volunteer, "token": token}
    )


@require_GET
def me_export(request, token: str):
    volunteer = selectors.volunteer_get_by_token(token)
    data = {
        key: (value.isoformat() if hasattr(value, "isoformat") else value)
        for key, value in volunteer_initial(volunteer).items()
        if key not in ("qualifications", "languages", "district")
    }
    data["district"] = volunteer.district.name if volunteer.district else ""
    data["qualifications"] = [q.name for q in volunteer.qualifications.all()]
    data["languages"] = [s.name for s in volunteer.languages.all()]
    data["status"] = volunteer.get_status_display()
    data["registered_at"] = volunteer.registered_at.isoformat()
    data["consent_version"] = volunteer.consent_version
    data["consent_at"] = volunteer.consent_at.isoformat() if volunteer.consent_at else ""
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="my-registration.json"'
    return response


# --- Volunteer coordinator --------------------------------------------------------------------


def _list(request, *, register: bool):
    base = selectors.general_register_base() if register else None
    volunteer_filter = selectors.volunteer_list(user=request.user, params=request.GET, base=base)
    page, querystring = paginate(request, volunteer_filter.qs)
    return render(
        request,
        "volunteers/volunteer_queue.html",
        {
            "filter": volunteer_filter,
            "page": page,
            "querystring": querystring,
            "register": register,
            "today": timezone.localdate(),
            "soon": timezone.localdate() + dt.timedelta(days=2),
            "export_url": "volunteers:register_export" if register else "volunteers:export",
        },
    )


@role_required(*STAFF)
@require_GET
def queue(request):
    return _list(request, register=False)


@role_required(*STAFF)
@require_GET
def general_register(request):
    return _list(request, register=True)


def _csv_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse("\ufeff" + content, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    return response


def _export(request, *, register: bool):
    """Streamed: the first bytes leave at once and memory stays flat however many rows. Who
    exported whom is logged before the first byte, in one insert."""
    base = selectors.general_register_base() if register else None
    volunteer_filter = selectors.volunteer_list(user=request.user, params=request.GET, base=base)
    volunteers = volunteer_filter.qs
    services.volunteer_access_log_query(
        volunteers=volunteers, by=request.user, kind=Event.Kind.EXPORTED
    )
    name = "volunteer-register" if register else "volunteers"
    lines = itertools.chain(["\ufeff"], selectors.volunteers_csv_lines(volunteers))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response


@role_required(*STAFF)
@require_GET
def export(request):
    return _export(request, register=False)


@role_required(*STAFF)
@require_GET
def register_export(request):
    return _export(request, register=True)


def _detail_context(request, volunteer, **forms):
    return {
        "volunteer": volunteer,
        "screening_form": forms.get("screening_form")
        or ScreeningForm(
            initial={"status": volunteer.status, "follow_up_on": volunteer.follow_up_on}
        ),
        "milestone_form": forms.get("milestone_form") or MilestoneForm(),
        "milestones": volunteer.milestones.select_related("recorded_by"),
        "events": volunteer.events.select_related("by")[:200],
    }


@role_required(*STAFF)
@require_GET
def detail(request, pk: int):
    volunteer = selectors.volunteer_get_for_user(request.user, pk)
    services.volunteer_access_log(volunteers=[volunteer], by=request.user, kind=Event.Kind.VIEWED)
    return render(request, "volunteers/volunteer_detail.html", _detail_context(request, volunteer))


@role_required(*STAFF)
@require_POST
def screen(request, pk: int):
    volunteer = selectors.volunteer_get_for_user(request.user, pk)
    form = ScreeningForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "volunteers/volunteer_detail.html",
            _detail_context(request, volunteer, screening_form=form),
            status=400,
        )
    old_follow_up = volunteer.follow_up_on
    new_follow_up = form.cleaned_data["follow_up_on"]
    try:
        services.volunteer_screen(
            volunteer=volunteer,
            by=request.user,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            follow_up_on=new_follow_up if new_follow_up != old_follow_up else None,
            clear_follow_up=new_follow_up is None and old_follow_up is not None,
        )
    except services.VolunteerError as exc:
        messages.error(request, str(exc))
        return redirect("volunteers:detail", pk=volunteer.pk)
    messages.success(request, _("Saved."))
    if form.cleaned_data["status"] == Status.WITHDRAWN:
        return redirect("volunteers:queue")
    return redirect("volunteers:detail", pk=volunteer.pk)


@role_required(*STAFF)
@require_POST
def milestone(request, pk: int):
    volunteer = selectors.volunteer_get_for_user(request.user, pk)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "volunteers/volunteer_detail.html",
            _detail_context(request, volunteer, milestone_form=form),
            status=400,
        )
    try:
        services.milestone_record(
            volunteer=volunteer,
            kind=form.cleaned_data["kind"],
            done_on=form.cleaned_data["done_on"],
            by=request.user,
        )
    except services.VolunteerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Milestone recorded."))
    return redirect("volunteers:detail", pk=volunteer.pk)


@role_required(*STAFF)
@require_GET
def referrals(request):
    volunteers = selectors.referral_list(user=request.user)
    page, querystring = paginate(request, volunteers)
    return render(
        request,
        "volunteers/referral_list.html",
        {
            "page": page,
            "querystring": querystring,
            "clinic_email": settings.DUGNAD["EMERGENCY_CLINIC_EMAIL"],
            "unsent": volunteers.filter(referral_sent_at__isnull=True).count(),
        },
    )


@role_required(*STAFF)
@require_GET
def referrals_export(request):
    volunteers = list(selectors.referral_list(user=request.user))
    services.volunteer_access_log(volunteers=volunteers, by=request.user, kind=Event.Kind.EXPORTED)
    return _csv_response(services.referrals_csv(volunteers), "emergency-clinic-referrals")


@role_required(*STAFF)
@require_POST
def referrals_send(request):
    try:
        sent = services.referrals_send(by=request.user)
    except services.VolunteerError as exc:
        messages.error(request, str(exc))
        return redirect("volunteers:referrals")
    if sent:
        messages.success(
            request,
            _("%(count)s referrals sent to %(email)s.")
            % {"count": sent, "email": settings.DUGNAD["EMERGENCY_CLINIC_EMAIL"]},
        )
    else:
        messages.info(request, _("There were no new referrals to send."))
    return redirect("volunteers:referrals")


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def courses(request):
    form = CourseSessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_session_create(by=request.user, **form.cleaned_data)
        except services.VolunteerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The session is planned."))
            return redirect("volunteers:courses")
    page, querystring = paginate(
        request, selectors.course_sessions_for_coordinator(user=request.user)
    )
    return render(
        request,
        "volunteers/course_list.html",
        {"form": form, "page": page, "querystring": querystring},
        status=400 if form.errors else 200,
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def course_detail(request, pk: int):
    session = selectors.course_session_get_for_user(request.user, pk)
    signups = list(session.signups.select_related("volunteer").order_by("signed_up_at", "pk"))
    form = CourseAttendanceForm(
        request.POST if request.method == "POST" else None,
        signups=signups,
        initial={"attended": [s.volunteer_id for s in signups if s.attended]},
    )
    if request.method == "POST" and form.is_valid():
        count = services.course_attendance_record(
            session=session, volunteer_ids=form.cleaned_data["attended"], by=request.user
        )
        messages.success(request, _("Attendance recorded for %(count)s.") % {"count": count})
        return redirect("volunteers:course_detail", pk=pk)
    return render(
        request,
        "volunteers/course_detail.html",
        {"session": session, "signups": signups, "form": form},
        status=400 if form.errors else 200,
    )
