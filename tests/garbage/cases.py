"""Every form of the project (public and staff), with a valid submission to spoil.

A case names the forms it exercises; `test_every_form_class_has_a_garbage_case` fails when a
form or filter class of the project is in no case, so a new form cannot be forgotten. `expect`
says how an accepted text is stored (the documented normalisation); `stored` reads it back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.utils import timezone

from core.text import ascii_digits, clean_line, clean_text

TOKEN = "garbage-token-abcdefghijklmnopqrstuvwxyz0123"


def _day(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _strip(value: str) -> str:
    return value.strip()


def _email(value: str) -> str:
    return value.strip().lower()


def _digits(value: str) -> str:
    return "".join(ch for ch in ascii_digits(value.strip()) if ch not in " -\u00a0\u2009\u202f")


@dataclass(frozen=True)
class FormCase:
    name: str
    url: str
    role: str | None  # attribute of `world`; None: anonymous
    forms: tuple[str, ...]  # dotted paths of the form and filter classes exercised
    fields: dict[str, str]  # posted name -> kind ("text", "date", "time", "number")
    setup: Callable[[SimpleNamespace], SimpleNamespace]
    data: Callable[[SimpleNamespace, SimpleNamespace], dict]
    method: str = "post"
    expect: dict[str, Callable[[str], object]] = field(default_factory=dict)
    stored: Callable[[SimpleNamespace], dict] | None = None
    accepted: Callable[[object, SimpleNamespace], bool] = lambda response, ctx: (
        response.status_code == 302
    )


# --- volunteers -------------------------------------------------------------------------------


def _registration(world, ctx) -> dict:
    return {
        "first_name": "Frida",
        "last_name": "Frivilligsen",
        "email": "frida@example.test",
        "phone": "912 34 567",
        "contact_channel": "both",
        "district": world.north.pk,
        "postcode": "0150",
        "qualifications": [world.quals["sykepleier"].pk],
        "study_year": "",
        "hpr_number": "1234567",
        "available_from": _day(1),
        "available_to": _day(60),
        "times_of_day": ["day"],
        "weekdays": ["1", "3"],
        "hours_per_week": "10",
        "wants_contract": "on",
        "general_tasks": ["shopping"],
        "free_text": "Jeg har jobbet på sykehjem.",
        "consent": "on",
        "website": "",
    }


VOLUNTEER_FIELDS = {
    "first_name": "text",
    "last_name": "text",
    "email": "text",
    "phone": "text",
    "contact_channel": "text",
    "district": "number",
    "postcode": "text",
    "qualifications": "number",
    "study_year": "number",
    "hpr_number": "text",
    "languages": "number",
    "available_from": "date",
    "available_to": "date",
    "weekdays": "text",
    "times_of_day": "text",
    "hours_per_week": "number",
    "wants_contract": "text",
    "general_tasks": "text",
    "free_text": "text",
    "consent": "text",
}
VOLUNTEER_EXPECT = {
    "first_name": clean_line,
    "last_name": clean_line,
    "postcode": _digits,
    "hpr_number": _digits,
    "free_text": clean_text,
}


def _latest_volunteer(ctx) -> dict:
    from volunteers.models import Volunteer

    volunteer = Volunteer.objects.order_by("-pk").first()
    return {name: getattr(volunteer, name) for name in [*VOLUNTEER_EXPECT, "email"]}


def _registered(response, ctx) -> bool:
    from volunteers.models import Volunteer

    return response.status_code == 302 and Volunteer.objects.exists()


def _no_setup(world):
    return SimpleNamespace(kwargs={})


def _volunteer_with_token(world):
    from tests.volunteers.factories import VolunteerFactory

    volunteer = VolunteerFactory(
        district=world.north, token=TOKEN, qualifications=[world.quals["sykepleier"]]
    )
    return SimpleNamespace(kwargs={"token": TOKEN}, volunteer=volunteer)


def _volunteer(world):
    from tests.volunteers.factories import VolunteerFactory

    volunteer = VolunteerFactory(district=world.north, qualifications=[world.quals["sykepleier"]])
    return SimpleNamespace(kwargs={"pk": volunteer.pk}, volunteer=volunteer)


def _own_volunteer(ctx) -> dict:
    ctx.volunteer.refresh_from_db()
    return {name: getattr(ctx.volunteer, name) for name in VOLUNTEER_EXPECT}


def _screening_stored(ctx) -> dict:
    from volunteers.models import Event

    note = ctx.volunteer.events.filter(kind=Event.Kind.NOTE).order_by("-pk").first()
    return {"note": note.note if note else ""}


# --- needs ------------------------------------------------------------------------------------


def _need_create(world, ctx) -> dict:
    monday = timezone.localdate() + dt.timedelta(days=14 - timezone.localdate().weekday())
    return {
        "unit": world.ward.pk,
        "qualification": world.quals["sykepleier"].pk,
        "title": "Nattevakt",
        "description": "Møt i resepsjonen.",
        "priority": "2",
        "requires_police_certificate": "on",
        "headcount": "2",
        "mode": "pattern",
        "start_time": "22:00",
        "end_time": "07:00",
        "first_day": monday.isoformat(),
        "last_day": (monday + dt.timedelta(days=13)).isoformat(),
        "weekdays": ["0", "2", "4"],
    }


NEED_FIELDS = {
    "qualification": "number",
    "required_skills": "number",
    "preferred_skills": "number",
    "title": "text",
    "description": "text",
    "priority": "number",
    "requires_police_certificate": "text",
}


def _need_stored(ctx) -> dict:
    from needs.models import Need

    need = Need.objects.order_by("-pk").first()
    return {"title": need.title, "description": need.description}


def _need(world, state="submitted"):
    from tests.needs.factories import NeedFactory, ShiftFactory, tomorrow_at

    need = NeedFactory(
        unit=world.home,
        qualification=world.quals["sykepleier"],
        created_by=world.leader,
        state=state,
    )
    shift = ShiftFactory(need=need, start=tomorrow_at(7, days=3))
    return SimpleNamespace(kwargs={"pk": need.pk}, need=need, shift=shift)


def _draft(world):
    return _need(world, state="draft")


def _shift_table(world, ctx) -> dict:
    from needs.shifts import OSLO

    start = ctx.shift.start.astimezone(OSLO)
    end = ctx.shift.end.astimezone(OSLO)
    return {
        "shifts-TOTAL_FORMS": "2",
        "shifts-INITIAL_FORMS": "1",
        "shifts-MIN_NUM_FORMS": "0",
        "shifts-MAX_NUM_FORMS": "1000",
        "shifts-0-id": str(ctx.shift.pk),
        "shifts-0-date": start.date().isoformat(),
        "shifts-0-start_time": f"{start:%H:%M}",
        "shifts-0-end_time": f"{end:%H:%M}",
        "shifts-0-headcount": "2",
        "shifts-1-date": _day(5),
        "shifts-1-start_time": "22:00",
        "shifts-1-end_time": "07:00",
        "shifts-1-headcount": "1",
    }


SHIFT_FIELDS = {
    "shifts-TOTAL_FORMS": "number",
    "shifts-INITIAL_FORMS": "number",
    "shifts-0-id": "number",
    "shifts-0-date": "date",
    "shifts-0-start_time": "time",
    "shifts-0-end_time": "time",
    "shifts-0-headcount": "number",
    "shifts-0-DELETE": "text",
    "shifts-1-id": "number",
    "shifts-1-date": "date",
    "shifts-1-start_time": "time",
    "shifts-1-end_time": "time",
    "shifts-1-headcount": "number",
    "submit": "text",
}


def _need_edit(world, ctx) -> dict:
    return {
        "qualification": world.quals["sykepleier"].pk,
        "title": "Dagvakt",
        "description": "Ny tekst",
        "priority": "1",
        "requires_police_certificate": "on",
    }


# --- matching ---------------------------------------------------------------------------------


def _proposal(world):
    from tests.matching.factories import employee, proposal_in_home

    alternative = employee(world)
    proposal = proposal_in_home(
        world, alternatives=[{"worker": alternative.pk, "name": "Alt", "cost": 1, "reason": "x"}]
    )
    return SimpleNamespace(kwargs={"pk": proposal.pk}, proposal=proposal, alternative=alternative)


def _offer(world):
    from tests.matching.factories import offer_sent

    offer, token = offer_sent(world)
    return SimpleNamespace(kwargs={"token": token}, offer=offer)


def _offer_answer_stored(ctx) -> dict:
    ctx.offer.refresh_from_db()
    return {"reason": ctx.offer.decline_reason}


def _rejection_stored(ctx) -> dict:
    ctx.proposal.refresh_from_db()
    return {"reason": ctx.proposal.reject_reason}


# --- onboarding -------------------------------------------------------------------------------


def _placement(world):
    from tests.placements.factories import make_placement

    placement = make_placement(unit=world.home, systems=["Gerica"])
    items = {item.item_type: item for item in placement.checklist_items.all()}
    return SimpleNamespace(kwargs={"pk": placement.pk}, placement=placement, items=items)


def _item(item_type: str):
    def setup(world):
        ctx = _placement(world)
        ctx.item = ctx.items[item_type]
        ctx.kwargs = {"pk": ctx.item.pk}
        ctx.prefix = f"item-{ctx.item.pk}"
        return ctx

    return setup


def _status_data(world, ctx) -> dict:
    p = ctx.prefix
    return {f"{p}-status": "done", f"{p}-reason": "", f"{p}-note": "Registrert i HR-systemet"}


def _certificate_data(world, ctx) -> dict:
    p = ctx.prefix
    today = timezone.localdate()
    return {
        f"{p}-purpose": "health_care",
        f"{p}-issued_on": (today - dt.timedelta(days=10)).isoformat(),
        f"{p}-presented_on": today.isoformat(),
        f"{p}-cleared": "on",
    }


def _contract_data(world, ctx) -> dict:
    p = ctx.prefix
    return {
        f"{p}-contract_type": "temporary",
        f"{p}-legal_ground": "a",
        f"{p}-starts_on": _day(3),
        f"{p}-ends_on": _day(60),
        f"{p}-signed_on": _day(0),
    }


def _access_data(world, ctx) -> dict:
    p = ctx.prefix
    return {f"{p}-ordered_on": _day(-1), f"{p}-granted_on": _day(0)}


def _whole_checklist_data(world, ctx) -> dict:
    # The page posts every item; those left as they were are not touched. The item whose
    # note is checked comes first (a spoiled field is the first posted name that ends so).
    data = {}
    for item_type, fill in (
        ("hr_registration", _status_data),
        ("police_certificate", _certificate_data),
        ("contract", _contract_data),
        ("system_access", _access_data),
    ):
        ctx.prefix = f"item-{ctx.items[item_type].pk}"
        data |= fill(world, ctx)
    for item in ctx.items.values():
        p = f"item-{item.pk}"
        if not any(key.startswith(f"{p}-") for key in data):
            data |= {f"{p}-status": item.status, f"{p}-reason": "", f"{p}-note": ""}
    return data


def _whole_checklist_stored(ctx) -> dict:
    item = ctx.items["hr_registration"]
    item.refresh_from_db()
    return {"note": item.note}


def _not_applicable_data(world, ctx) -> dict:
    return {"action": "not_applicable", f"na-{ctx.item.pk}-reason": "Har allerede tilgang"}


def _item_stored(ctx) -> dict:
    ctx.item.refresh_from_db()
    return {"note": ctx.item.note, "reason": ctx.item.not_applicable_reason}


def _contact_stored(ctx) -> dict:
    ctx.placement.worker.refresh_from_db()
    return {"email": ctx.placement.worker.email}


def _bulk_data(world, ctx) -> dict:
    return {"items": [ctx.items["hr_registration"].pk], "next": "/onboarding/?status=open"}


def _bulk_done(response, ctx) -> bool:
    item = ctx.items["hr_registration"]
    item.refresh_from_db()
    return item.status == "done"


def _listing(setup):
    """A list page (no id in its URL) with the objects of `setup` to list."""

    def listing(world):
        ctx = setup(world)
        ctx.kwargs = {}
        return ctx

    return listing


def _hr_login(world):
    return SimpleNamespace(kwargs={})


def _login_data(world, ctx) -> dict:
    return {"login": "hr@dugnad.test", "password": "wrong-password"}


CASES: list[FormCase] = [
    FormCase(
        "register",
        "volunteers:register",
        None,
        ("volunteers.forms.RegistrationForm",),
        {**VOLUNTEER_FIELDS, "website": "text"},
        _no_setup,
        _registration,
        expect={**VOLUNTEER_EXPECT, "email": _email},
        stored=_latest_volunteer,
        accepted=_registered,
    ),
    FormCase(
        "self_update",
        "volunteers:me",
        None,
        ("volunteers.forms.SelfUpdateForm",),
        VOLUNTEER_FIELDS,
        _volunteer_with_token,
        _registration,
        expect=VOLUNTEER_EXPECT,
        stored=_own_volunteer,
    ),
    FormCase(
        "pause",
        "volunteers:me_pause",
        None,
        (),
        {"paused": "text"},
        _volunteer_with_token,
        lambda w, c: {"paused": "1"},
    ),
    FormCase(
        "screen",
        "volunteers:screen",
        "volunteer_coordinator",
        ("volunteers.forms.ScreeningForm",),
        {"status": "text", "follow_up_on": "date", "note": "text", "confirm_withdraw": "text"},
        _volunteer,
        lambda w, c: {"status": "contacted", "follow_up_on": _day(7), "note": "Ringt, svarte"},
        expect={"note": clean_text},
        stored=_screening_stored,
    ),
    FormCase(
        "milestone",
        "volunteers:milestone",
        "volunteer_coordinator",
        ("volunteers.forms.MilestoneForm",),
        {"kind": "text", "done_on": "date"},
        _volunteer,
        lambda w, c: {"kind": "first_meeting", "done_on": _day(-3)},
    ),
    FormCase(
        "volunteer_filter",
        "volunteers:queue",
        "volunteer_coordinator",
        ("volunteers.filters.VolunteerFilter",),
        {
            "status": "text",
            "suggested_route": "text",
            "qualification": "number",
            "district": "number",
            "available_on": "date",
            "wants_contract": "text",
            "general_task": "text",
            "registered_from": "date",
            "registered_to": "date",
            "sort": "text",
            "page": "number",
        },
        _listing(_volunteer),
        lambda w, c: {"status": "new", "available_on": _day(1), "page": "1"},
        method="get",
    ),
    FormCase(
        "need_create",
        "needs:create",
        "leader",
        ("needs.forms.NeedCreateForm",),
        {
            **NEED_FIELDS,
            "unit": "number",
            "headcount": "number",
            "mode": "text",
            "start_time": "time",
            "end_time": "time",
            "first_day": "date",
            "last_day": "date",
            "weekdays": "number",
        },
        _no_setup,
        _need_create,
        expect={"title": clean_line, "description": clean_text},
        stored=_need_stored,
    ),
    FormCase(
        "need_edit",
        "needs:edit",
        "leader",
        ("needs.forms.NeedEditForm",),
        NEED_FIELDS,
        _need,
        _need_edit,
        expect={"title": clean_line, "description": clean_text},
        stored=_need_stored,
    ),
    FormCase(
        "need_shifts",
        "needs:shifts",
        "leader",
        ("needs.forms.ShiftRowForm",),
        SHIFT_FIELDS,
        _draft,
        _shift_table,
    ),
    FormCase(
        "need_cancel",
        "needs:cancel",
        "leader",
        ("needs.forms.CancelForm",),
        {"reason": "text"},
        _need,
        lambda w, c: {"reason": "Ikke lenger behov"},
    ),
    FormCase(
        "need_filter",
        "needs:list",
        "coordinator",
        ("needs.filters.NeedOverviewFilter",),
        {
            "district": "number",
            "sector": "text",
            "unit": "number",
            "qualification": "number",
            "priority": "number",
            "date_from": "date",
            "date_to": "date",
            "coverage": "text",
            "page": "number",
        },
        _listing(_need),
        lambda w, c: {"date_from": _day(0), "date_to": _day(30), "page": "1"},
        method="get",
    ),
    FormCase(
        "reject",
        "matching:reject",
        "coordinator",
        ("matching.forms.RejectForm",),
        {"reason": "text"},
        _proposal,
        lambda w, c: {"reason": "Passer ikke"},
        expect={"reason": clean_line},
        stored=_rejection_stored,
    ),
    FormCase(
        "offer_answer",
        "offers:answer",
        None,
        ("matching.forms.OfferAnswerForm",),
        {"answer": "text", "reason": "text"},
        _offer,
        lambda w, c: {"answer": "no", "reason": "Bortreist den uka"},
        expect={"reason": clean_line},
        stored=_offer_answer_stored,
        accepted=lambda response, ctx: (
            response.status_code == 200 and "answer" in (response.context or {})
        ),
    ),
    FormCase(
        "section_14_3",
        "matching:section_14_3",
        "coordinator",
        ("matching.forms.Section143Form",),
        {"unit": "number", "date_from": "date", "date_to": "date"},
        _listing(_offer),
        lambda w, c: {"unit": str(w.home.pk), "date_from": _day(-30), "date_to": _day(30)},
        method="get",
    ),
    FormCase(
        "section_14_3_export",
        "matching:section_14_3_export",
        "coordinator",
        ("matching.forms.Section143Form",),
        {"unit": "number", "date_from": "date", "date_to": "date"},
        _listing(_offer),
        lambda w, c: {"date_from": _day(-30), "date_to": _day(30)},
        method="get",
    ),
    FormCase(
        "pick",
        "matching:pick",
        "coordinator",
        ("matching.forms.PickAlternativeForm",),
        {"worker": "number"},
        _proposal,
        lambda w, c: {"worker": c.alternative.pk},
    ),
    FormCase(
        "item_status",
        "placements:item_update",
        "hr",
        ("placements.forms.ItemStatusForm",),
        {"status": "text", "reason": "text", "note": "text"},
        _item("hr_registration"),
        _status_data,
    ),
    FormCase(
        "item_not_applicable",
        "placements:item_update",
        "hr",
        ("placements.forms.NotApplicableForm",),
        {"action": "text", "reason": "text"},
        _item("hr_registration"),
        _not_applicable_data,
    ),
    FormCase(
        "police_certificate",
        "placements:item_update",
        "hr",
        ("placements.forms.PoliceCertificateForm",),
        {"purpose": "text", "issued_on": "date", "presented_on": "date", "cleared": "text"},
        _item("police_certificate"),
        _certificate_data,
    ),
    FormCase(
        "contract",
        "placements:item_update",
        "hr",
        ("placements.forms.ContractForm",),
        {
            "contract_type": "text",
            "legal_ground": "text",
            "starts_on": "date",
            "ends_on": "date",
            "signed_on": "date",
        },
        _item("contract"),
        _contract_data,
    ),
    FormCase(
        "system_access",
        "placements:item_update",
        "hr",
        ("placements.forms.SystemAccessForm",),
        {"ordered_on": "date", "granted_on": "date"},
        _item("system_access"),
        _access_data,
    ),
    FormCase(
        "whole_checklist",
        "placements:checklist_save",
        "hr",
        (
            "placements.forms.ItemStatusForm",
            "placements.forms.PoliceCertificateForm",
            "placements.forms.ContractForm",
            "placements.forms.SystemAccessForm",
        ),
        {
            "status": "text",
            "reason": "text",
            "note": "text",
            "purpose": "text",
            "issued_on": "date",
            "presented_on": "date",
            "cleared": "text",
            "contract_type": "text",
            "legal_ground": "text",
            "starts_on": "date",
            "ends_on": "date",
            "signed_on": "date",
            "ordered_on": "date",
            "granted_on": "date",
        },
        _placement,
        _whole_checklist_data,
        expect={"note": clean_line},
        stored=_whole_checklist_stored,
    ),
    FormCase(
        "worker_contact",
        "placements:worker_contact",
        "hr",
        ("placements.forms.WorkerContactForm",),
        {"email": "text", "phone": "text", "contact_channel": "text", "language": "text"},
        _placement,
        lambda w, c: {
            "email": "Ny@Example.test",
            "phone": "+4790000000",
            "contact_channel": "sms",
            "language": "en",
        },
        expect={"email": _strip},
        stored=_contact_stored,
    ),
    FormCase(
        "bulk_done",
        "placements:bulk_done",
        "hr",
        ("placements.forms.BulkDoneForm",),
        {"items": "number", "next": "text"},
        _listing(_placement),
        _bulk_data,
        accepted=_bulk_done,
    ),
    FormCase(
        "onboarding_people_search",
        "placements:onboarding_people",
        "hr",
        ("placements.forms.PersonSearchForm",),
        {"q": "text"},
        _listing(_placement),
        lambda w, c: {"q": "912 34 567"},
    ),
    FormCase(
        "checklist_filter",
        "placements:onboarding",
        "hr",
        ("placements.filters.ChecklistItemFilter",),
        {
            "item_type": "text",
            "status": "text",
            "unit": "number",
            "due_from": "date",
            "due_to": "date",
            "source": "text",
            "page": "number",
        },
        _listing(_placement),
        lambda w, c: {"status": "open", "due_from": _day(-3), "page": "1"},
        method="get",
    ),
    FormCase(
        "login",
        "account_login",
        None,
        ("allauth.account.forms.LoginForm",),
        {"login": "text", "password": "text", "remember": "text"},
        _hr_login,
        _login_data,
        accepted=lambda response, ctx: False,
    ),
    FormCase(
        "set_language",
        "set_language",
        None,
        (),
        {"language": "text", "next": "text"},
        _no_setup,
        lambda w, c: {"language": "en", "next": "/volunteer/"},
    ),
]


# --- resources --------------------------------------------------------------------------------


def _import_data(world, ctx) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = b"ansattnummer;fornavn;etternavn;enhet\n9001;Mona;Lie;nordtun\n"
    return {"file": SimpleUploadedFile("hr.csv", csv), "source": "employee", "full": ""}


def _worker(world):
    from tests.staffing.factories import EmployeeProfileFactory

    worker = EmployeeProfileFactory(home_unit=world.home).worker
    return SimpleNamespace(kwargs={"pk": worker.pk}, worker=worker)


RESOURCE_CASES = [
    FormCase(
        "people_import",
        "resources:import",
        "hr",
        ("resources.forms.PeopleImportForm",),
        {"file": "text", "source": "text", "agency": "number", "full": "text"},
        _listing(_no_setup),
        _import_data,
    ),
    FormCase(
        "register_search",
        "resources:register",
        "coordinator",
        ("resources.forms.RegisterSearchForm",),
        {"q": "text"},
        _listing(_no_setup),
        lambda w, c: {"q": "912 34 567"},
    ),
    FormCase(
        "register_filter",
        "resources:register",
        "coordinator",
        ("resources.filters.WorkerRegisterFilter",),
        {
            "source": "text",
            "qualification": "number",
            "skills": "number",
            "district": "number",
            "available_from": "date",
            "available_to": "date",
            "status": "text",
            "wants_more_hours": "text",
            "hpr_verified": "text",
            "flagged": "text",
            "credentials": "text",
            "page": "number",
        },
        _listing(_worker),
        lambda w, c: {"source": "employee", "available_from": _day(1), "status": "free"},
        method="get",
    ),
    FormCase(
        "person_week",
        "resources:person",
        "coordinator",
        ("resources.forms.WeekForm",),
        {"week": "text"},
        _worker,
        lambda w, c: {"week": "2026-W49"},
        method="get",
    ),
]


def _school_staff(world):
    from staffing.models import Sector
    from tests.staffing.factories import EmployeeProfileFactory, UnitFactory

    school = UnitFactory(code="garbage-skole", sector=Sector.SCHOOLS, district=world.north)
    world.leader.led_units.add(school)
    worker = EmployeeProfileFactory(home_unit=school).worker
    return SimpleNamespace(kwargs={"pk": worker.pk}, worker=worker)


def _released(world):
    from staffing import capacity

    ctx = _school_staff(world)
    release = capacity.release_create(
        worker=ctx.worker,
        by=world.leader,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=20),
        weekdays="01234",
        share_percent=50,
    )
    return SimpleNamespace(kwargs={"pk": release.pk}, worker=ctx.worker)


RESOURCE_CASES += [
    FormCase(
        "release",
        "resources:staff_person",
        "leader",
        ("resources.forms.ReleaseForm",),
        {
            "release-starts_on": "date",
            "release-ends_on": "date",
            "release-weekdays": "text",
            "release-how": "text",
            "release-day_from": "time",
            "release-day_to": "time",
            "release-share_percent": "number",
            "release-note": "text",
        },
        _school_staff,
        lambda w, c: {
            "release-starts_on": _day(0),
            "release-ends_on": _day(20),
            "release-weekdays": ["0", "1", "2"],
            "release-how": "hours",
            "release-day_from": "08:00",
            "release-day_to": "16:00",
            "release-note": "Skolen er stengt",
        },
    ),
    FormCase(
        "release_recall",
        "resources:release_recall",
        "leader",
        ("resources.forms.RecallForm",),
        {"recall-back_on": "date"},
        _released,
        lambda w, c: {"recall-back_on": _day(7)},
    ),
    FormCase(
        "absence",
        "resources:absence_add",
        "hr",
        ("resources.forms.AbsenceForm",),
        {"absence-kind": "text", "absence-starts_on": "date", "absence-ends_on": "date"},
        _worker,
        lambda w, c: {
            "absence-kind": "sick",
            "absence-starts_on": _day(1),
            "absence-ends_on": _day(3),
        },
    ),
    FormCase(
        "credential",
        "resources:credential",
        "hr",
        ("resources.forms.CredentialForm",),
        {"credential": "text", "valid_until": "date"},
        _worker,
        lambda w, c: {"credential": "hpr", "valid_until": _day(40)},
    ),
]

CASES += RESOURCE_CASES


# --- competence inventory ---------------------------------------------------------------------


def _inventory(world):
    from tests.inventory.factories import staff, started

    worker = staff(world, world.home)
    inventory = started(world)
    return SimpleNamespace(kwargs={"pk": inventory.pk}, inventory=inventory, worker=worker)


def _inventory_link(world):
    from tests.inventory.factories import link_token

    ctx = _inventory(world)
    ctx.kwargs = {"token": link_token(ctx.worker)}
    return ctx


def _inventory_answer_data(world, ctx) -> dict:
    from tests.inventory.factories import answer_data

    return answer_data(world)


def _inventory_answer_stored(ctx) -> dict:
    from inventory.models import Answer

    answer = Answer.objects.get(invitation__worker=ctx.worker)
    return {"experience": answer.experience}


def _inventory_answer_to_verify(world):
    from inventory.services import answer_save

    ctx = _inventory(world)
    invitation = ctx.inventory.invitations.get(worker=ctx.worker)
    ctx.answer = answer_save(
        invitation=invitation,
        data={"willing": "yes", "capacity": "none", "qualifications": [world.quals["assistent"]]},
    )
    ctx.kwargs = {"pk": ctx.answer.pk}
    return ctx


def _inventory_verified(ctx) -> dict:
    ctx.answer.refresh_from_db()
    return {"note": ctx.answer.verify_note}


INVENTORY_CASES = [
    FormCase(
        "inventory_start",
        "inventory:start",
        "coordinator",
        ("inventory.forms.InventoryStartForm",),
        {"title": "text", "units": "number", "valid_until": "date", "message": "text"},
        _no_setup,
        lambda w, c: {
            "title": "Kartlegging Nordtun",
            "units": [w.home.pk],
            "valid_until": _day(14),
            "message": "Svar innen to uker.",
        },
        expect={"title": clean_line},
        stored=lambda ctx: {
            "title": __import__("inventory.models").models.Inventory.objects.latest("pk").title
        },
    ),
    FormCase(
        "inventory_answer",
        "inventory_link:answer",
        None,
        ("inventory.forms.AnswerForm",),
        {
            "qualifications": "number",
            "hpr_number": "text",
            "experience_years": "number",
            "experience": "text",
            "skills": "number",
            "languages": "number",
            "willing": "text",
            "capacity": "text",
            "weekdays": "number",
            "time_from": "time",
            "time_to": "time",
            "share_percent": "number",
            "available_from": "date",
            "available_to": "date",
        },
        _inventory_link,
        _inventory_answer_data,
        expect={"experience": clean_text},
        stored=_inventory_answer_stored,
    ),
    FormCase(
        "inventory_progress_filter",
        "inventory:detail",
        "coordinator",
        ("inventory.forms.ProgressFilterForm",),
        {"state": "text", "unit": "number", "page": "number"},
        _inventory,
        lambda w, c: {"state": "not_answered", "unit": w.ward.pk, "page": "1"},
        method="get",
    ),
    FormCase(
        "inventory_remind",
        "inventory:remind",
        "coordinator",
        ("inventory.forms.RemindForm",),
        {"round": "number"},
        _inventory,
        lambda w, c: {"round": "1"},
    ),
    FormCase(
        "inventory_verify",
        "inventory:answer",
        "hr",
        ("inventory.forms.VerifyForm",),
        {"decision": "text", "qualifications": "number", "skills": "number", "note": "text"},
        _inventory_answer_to_verify,
        lambda w, c: {
            "decision": "verify",
            "qualifications": [w.quals["assistent"].pk],
            "note": "Vitnemål sett",
        },
        expect={"note": clean_line},
        stored=_inventory_verified,
    ),
]
CASES += INVENTORY_CASES
# --- rosters ----------------------------------------------------------------------------------


def _rostered(world):
    from tests.matching.factories import need_with_shifts
    from tests.rosters.factories import placed_on

    shift = need_with_shifts(world, shifts=((3, 7),)).shifts.get()
    placed_on(world, shift)
    return SimpleNamespace(kwargs={})


def _iso_week_ahead() -> str:
    year, week, _ = (timezone.localdate() + dt.timedelta(days=3)).isocalendar()
    return f"{year}-W{week:02d}"


ROSTER_CASES = [
    FormCase(
        "roster_week",
        "rosters:week",
        "leader",
        ("rosters.forms.WeekForm",),
        {"unit": "number", "week": "text"},
        _rostered,
        lambda w, c: {"unit": w.home.pk, "week": _iso_week_ahead()},
        method="get",
        accepted=lambda response, ctx: response.status_code == 200,
    ),
    FormCase(
        "roster_day",
        "rosters:day",
        "leader",
        ("rosters.forms.DayForm",),
        {"unit": "number", "day": "date"},
        _rostered,
        lambda w, c: {"unit": w.home.pk, "day": _day(3)},
        method="get",
        accepted=lambda response, ctx: response.status_code == 200,
    ),
    FormCase(
        "roster_export",
        "rosters:export_csv",
        "coordinator",
        ("rosters.forms.ExportForm",),
        {"unit": "number", "date_from": "date", "date_to": "date"},
        _rostered,
        lambda w, c: {"unit": w.home.pk, "date_from": _day(0), "date_to": _day(13)},
        method="get",
        accepted=lambda response, ctx: response.status_code == 200,
    ),
    FormCase(
        "staff_search",
        "rosters:search",
        "coordinator",
        ("rosters.forms.StaffSearchForm",),
        {"term": "text"},
        _rostered,
        lambda w, c: {"term": "912 34 567"},
    ),
]

CASES += ROSTER_CASES
# --- matching at scale (issue 14) ---------------------------------------------------------------


def _offered_selection(response, ctx) -> bool:
    return response.status_code == 302


MATCHING_CASES = [
    FormCase(
        "matching_filter",
        "matching:index",
        "coordinator",
        ("matching.filters.MatchingFilter",),
        {
            "district": "number",
            "unit": "number",
            "need": "number",
            "date_from": "date",
            "date_to": "date",
            "priority": "number",
            "state": "text",
            "page": "number",
            "rows": "number",
        },
        _listing(_proposal),
        lambda w, c: {"district": w.north.pk, "date_from": _day(0), "state": "proposed"},
        method="get",
    ),
    FormCase(
        "offer_selection",
        "matching:offer_selected",
        "coordinator",
        ("matching.forms.ProposalSelectionForm",),
        {"proposals": "number", "back": "text"},
        _listing(_proposal),
        lambda w, c: {"proposals": [c.proposal.pk], "back": "state=proposed"},
        accepted=_offered_selection,
    ),
]

CASES += MATCHING_CASES


def _shift_and_person(world):
    from tests.matching.factories import employee, need_with_shifts

    shift = need_with_shifts(world).shifts.get()
    person = employee(world, first_name="Spurt", last_name="Person")
    return SimpleNamespace(kwargs={"pk": shift.pk}, shift=shift, person=person)


def _assigned(response, ctx) -> bool:
    from placements.models import Placement

    return response.status_code == 302 and Placement.objects.filter(worker=ctx.person).exists()


CASES += [
    FormCase(
        "why_not",
        "matching:why_not",
        "coordinator",
        ("matching.forms.WhyNotSearchForm",),
        {"q": "text", "shift": "number", "back": "text"},
        lambda w: (lambda c: (setattr(c, "kwargs", {}), c)[1])(_shift_and_person(w)),
        lambda w, c: {"q": "Spurt Person", "shift": c.shift.pk},
        accepted=lambda response, ctx: response.status_code == 200,
    ),
    FormCase(
        "assign",
        "matching:assign",
        "coordinator",
        ("matching.forms.AssignForm",),
        {"worker": "number", "said_yes": "text", "override_reason": "text", "back": "text"},
        _shift_and_person,
        lambda w, c: {"worker": c.person.pk, "said_yes": "on"},
        accepted=_assigned,
    ),
]
# --- community: residents' help requests ------------------------------------------------------

HELP_FIELDS = {
    "kind": "text",
    "description": "text",
    "frequency": "text",
    "wanted_on": "date",
    "time_of_day": "text",
    "urgent": "text",
    "district": "number",
    "language": "number",
    "first_name": "text",
    "address": "text",
    "phone": "text",
    "relation": "text",
    "requester_name": "text",
    "requester_phone": "text",
    "consent": "text",
}
HELP_EXPECT = {
    "first_name": clean_line,
    "address": clean_line,
    "requester_name": clean_line,
    "description": clean_text,
}


def _help(world, ctx) -> dict:
    return {
        "kind": "shopping",
        "description": "Handler på Kiwi, ringeklokka virker ikke.",
        "frequency": "weekly",
        "wanted_on": _day(2),
        "time_of_day": "morning",
        "urgent": "",
        "district": world.north.pk,
        "language": "",
        "first_name": "Astrid",
        "address": "Storgata 1, 3015 Drammen",
        "phone": "911 11 111",
        "relation": "neighbour",
        "requester_name": "Nina Nabo",
        "requester_phone": "922 22 222",
        "consent": "on",
        "website": "",
    }


def _latest_help_request(ctx) -> dict:
    from community.models import HelpRequest

    request = HelpRequest.objects.order_by("-pk").first()
    return {name: getattr(request, name) for name in HELP_EXPECT}


def _help_received(response, ctx) -> bool:
    from community.models import HelpRequest

    return response.status_code == 302 and HelpRequest.objects.exists()


def _help_request(world):
    from tests.community.factories import help_request

    request = help_request(world)
    return SimpleNamespace(kwargs={"pk": request.pk}, request=request)


def _community_task(world):
    from tests.community.factories import general_volunteer, task_for

    task = task_for(world)
    volunteer = general_volunteer(world)
    return SimpleNamespace(kwargs={"pk": task.pk}, task=task, volunteer=volunteer)


COMMUNITY_TOKEN = "garbage-task-token-abcdefghijklmnopqrstuvwxyz"


def _task_link(accepted: bool):
    def setup(world):
        from community.models import TaskOffer
        from community.services import task_offer_accept
        from tests.community.factories import general_volunteer, sent_task
        from volunteers.tokens import token_hash

        task, offers = sent_task(world, [general_volunteer(world)], days=0)
        TaskOffer.objects.filter(pk=offers[0].pk).update(token_hash=token_hash(COMMUNITY_TOKEN))
        if accepted:
            task_offer_accept(offer=offers[0])
        return SimpleNamespace(
            kwargs={"token": COMMUNITY_TOKEN}, task=task, visit=task.visits.get()
        )

    return setup


def _follow_up_stored(ctx) -> dict:
    follow_up = ctx.task.follow_ups.order_by("-pk").first()
    return {"note": follow_up.note if follow_up else ""}


COMMUNITY_CASES: list[FormCase] = [
    FormCase(
        "help_request",
        "community:help",
        None,
        ("community.forms.HelpRequestPublicForm",),
        {**HELP_FIELDS, "website": "text"},
        _no_setup,
        _help,
        expect=HELP_EXPECT,
        stored=_latest_help_request,
        accepted=_help_received,
    ),
    FormCase(
        "help_request_by_phone",
        "community:request_create",
        "volunteer_coordinator",
        ("community.forms.HelpRequestStaffForm",),
        HELP_FIELDS,
        _no_setup,
        _help,
        expect=HELP_EXPECT,
        stored=_latest_help_request,
        accepted=_help_received,
    ),
    FormCase(
        "help_refer",
        "community:request_refer",
        "volunteer_coordinator",
        ("community.forms.ReferForm",),
        {"referred_to": "text", "note": "text"},
        _help_request,
        lambda w, c: {"referred_to": "home_care", "note": "Sendt til hjemmetjenesten"},
    ),
    FormCase(
        "help_close",
        "community:request_close",
        "volunteer_coordinator",
        ("community.forms.CloseForm",),
        {"reason": "text", "note": "text"},
        _help_request,
        lambda w, c: {"reason": "not_needed", "note": "Datteren hjelper nå"},
    ),
    FormCase(
        "help_task_create",
        "community:task_create",
        "volunteer_coordinator",
        ("community.forms.TaskForm",),
        {
            "first_on": "date",
            "frequency": "text",
            "last_on": "date",
            "time_of_day": "text",
            "note": "text",
        },
        _help_request,
        lambda w, c: {
            "first_on": _day(1),
            "frequency": "weekly",
            "last_on": _day(29),
            "time_of_day": "morning",
            "note": "Ring på to ganger",
        },
    ),
    FormCase(
        "help_task_send",
        "community:task_send",
        "volunteer_coordinator",
        ("community.forms.TaskSendForm",),
        {"volunteers": "number"},
        _community_task,
        lambda w, c: {"volunteers": [c.volunteer.pk]},
    ),
    FormCase(
        "help_task_end",
        "community:task_end",
        "volunteer_coordinator",
        ("community.forms.TaskEndForm",),
        {"reason": "text"},
        _community_task,
        lambda w, c: {"reason": "Trengs ikke lenger"},
    ),
    FormCase(
        "help_follow_up",
        "community:follow_up",
        "volunteer_coordinator",
        ("community.forms.FollowUpForm",),
        {"outcome": "text", "note": "text"},
        _community_task,
        lambda w, c: {"outcome": "went_well", "note": "Fornøyd med hjelpen"},
        expect={"note": clean_text},
        stored=_follow_up_stored,
    ),
    FormCase(
        "help_task_answer",
        "community:task_answer",
        None,
        ("community.forms.TaskAnswerForm",),
        {"answer": "text", "reason": "text"},
        _task_link(accepted=False),
        lambda w, c: {"answer": "no", "reason": "Bortreist"},
    ),
    FormCase(
        "help_visit_report",
        "community:task_report",
        None,
        ("community.forms.VisitReportForm",),
        {"visit": "number", "outcome": "text", "reason": "text"},
        _task_link(accepted=True),
        lambda w, c: {"visit": c.visit.pk, "outcome": "not_possible", "reason": "Ingen hjemme"},
    ),
]

CASES += COMMUNITY_CASES


def _placed_activity(world):
    from community.services import activity_place
    from tests.community.factories import general_volunteer

    activity = activity_place(
        volunteer=general_volunteer(world),
        unit=world.home,
        description="Høytlesning",
        starts_on=timezone.localdate() + dt.timedelta(days=10),
        by=world.volunteer_coordinator,
    )
    step = activity.steps.order_by("pk").first()
    return SimpleNamespace(kwargs={"pk": activity.pk, "step": step.pk}, step=step)


def _placeable(world):
    from tests.community.factories import general_volunteer

    return SimpleNamespace(kwargs={}, volunteer=general_volunteer(world))


def _course_session(world):
    from volunteers.models import CourseSession

    start = timezone.now() + dt.timedelta(days=4)
    session = CourseSession.objects.create(
        starts_at=start, ends_at=start + dt.timedelta(hours=2), place="Rådhuset", capacity=5
    )
    return SimpleNamespace(kwargs={"pk": session.pk}, session=session)


def _course_session_with_signup(world):
    from tests.volunteers.factories import VolunteerFactory
    from volunteers.services import course_signup

    ctx = _course_session(world)
    ctx.volunteer = VolunteerFactory(district=world.north)
    course_signup(volunteer=ctx.volunteer, session_id=ctx.session.pk)
    return ctx


def _course_link(world):
    ctx = _volunteer_with_token(world)
    ctx.session = _course_session(world).session
    return ctx


def _local(days: int, hour: int) -> str:
    moment = timezone.localtime() + dt.timedelta(days=days)
    return moment.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


CASES += [
    FormCase(
        "contact_person",
        "community:contacts",
        "volunteer_coordinator",
        ("community.forms.ContactPersonForm",),
        {"unit": "number", "user": "number"},
        _no_setup,
        lambda w, c: {"unit": w.home.pk, "user": w.leader.pk},
    ),
    FormCase(
        "activity_place",
        "community:journey_create",
        "volunteer_coordinator",
        ("community.forms.ActivityForm",),
        {"volunteer": "number", "unit": "number", "description": "text", "starts_on": "date"},
        _placeable,
        lambda w, c: {
            "volunteer": c.volunteer.pk,
            "unit": w.home.pk,
            "description": "Turer i hagen",
            "starts_on": _day(7),
        },
    ),
    FormCase(
        "journey_step",
        "community:journey_step",
        "volunteer_coordinator",
        ("community.forms.JourneyStepForm",),
        {"planned_on": "date", "done_on": "date"},
        _placed_activity,
        lambda w, c: {
            f"step{c.step.pk}-planned_on": _day(2),
            f"step{c.step.pk}-done_on": _day(-1),
        },
    ),
    FormCase(
        "course_session",
        "volunteers:courses",
        "volunteer_coordinator",
        ("volunteers.forms.CourseSessionForm",),
        {"starts_at": "text", "ends_at": "text", "place": "text", "capacity": "number"},
        _no_setup,
        lambda w, c: {
            "starts_at": _local(5, 10),
            "ends_at": _local(5, 12),
            "place": "Rådhuset",
            "capacity": "12",
        },
    ),
    FormCase(
        "course_attendance",
        "volunteers:course_detail",
        "volunteer_coordinator",
        ("volunteers.forms.CourseAttendanceForm",),
        {"attended": "number"},
        _course_session_with_signup,
        lambda w, c: {"attended": [c.volunteer.pk]},
    ),
    FormCase(
        "course_signup",
        "volunteers:me_course",
        None,
        ("volunteers.forms.CourseSignupForm",),
        {"session": "number", "action": "text"},
        _course_link,
        lambda w, c: {"session": c.session.pk, "action": "join"},
    ),
]
