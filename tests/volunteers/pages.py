from tests.permissions import PUBLIC, VOLUNTEER_COORDINATOR, Page, roles

STAFF = roles(VOLUNTEER_COORDINATOR)
TOKEN = "matrix-token-abcdefghijklmnopqrstuvwxyz"


def _volunteer(world, **extra):
    from tests.volunteers.factories import VolunteerFactory

    return VolunteerFactory(district=world.north, **extra)


def _token(world):
    _volunteer(world, token=TOKEN)
    return {"token": TOKEN}


def _pk(world):
    return {"pk": _volunteer(world, qualifications=[world.quals["sykepleier"]]).pk}


def _session(world):
    import datetime as dt

    from django.utils import timezone

    from volunteers.models import CourseSession

    start = timezone.now() + dt.timedelta(days=3)
    session = CourseSession.objects.create(
        starts_at=start, ends_at=start + dt.timedelta(hours=2), place="Rådhuset", capacity=5
    )
    return {"pk": session.pk}


PAGES = [
    # public
    Page("volunteers:register", PUBLIC),
    Page("volunteers:thanks", PUBLIC),
    Page("volunteers:privacy", PUBLIC),
    Page("volunteers:me", PUBLIC, kwargs=_token),
    Page("volunteers:me_export", PUBLIC, kwargs=_token),
    Page("volunteers:me_withdraw", PUBLIC, kwargs=_token),
    Page("volunteers:me_withdraw", PUBLIC, kwargs=_token, method="post"),
    Page(
        "volunteers:me_pause",
        PUBLIC,
        kwargs=_token,
        method="post",
        data=lambda w: {"paused": "1"},
        ok_status=(302,),
    ),
    Page(
        "volunteers:me_course",
        PUBLIC,
        kwargs=_token,
        method="post",
        data=lambda w: {"session": "1", "action": "join"},
        ok_status=(302,),
    ),
    # volunteer coordinator
    Page("volunteers:courses", STAFF),
    Page(
        "volunteers:courses",
        STAFF,
        method="post",
        data=lambda w: {"place": "x"},
        ok_status=(400,),
    ),
    Page("volunteers:course_detail", STAFF, kwargs=_session),
    Page(
        "volunteers:course_detail",
        STAFF,
        kwargs=_session,
        method="post",
        data=lambda w: {},
        ok_status=(302,),
    ),
    Page("volunteers:queue", STAFF),
    Page("volunteers:export", STAFF),
    Page("volunteers:general_register", STAFF),
    Page("volunteers:register_export", STAFF),
    Page("volunteers:referrals", STAFF),
    Page("volunteers:referrals_export", STAFF),
    Page("volunteers:referrals_send", STAFF, method="post", ok_status=(302,)),
    Page("volunteers:detail", STAFF, kwargs=_pk),
    Page(
        "volunteers:screen",
        STAFF,
        kwargs=_pk,
        method="post",
        data=lambda w: {"status": "contacted", "note": "ringt"},
        ok_status=(302,),
    ),
    Page(
        "volunteers:milestone",
        STAFF,
        kwargs=_pk,
        method="post",
        data=lambda w: {"kind": "first_meeting", "done_on": "2026-11-01"},
        ok_status=(302,),
    ),
]
