from tests.permissions import LEADER, LEADERS, PUBLIC, VOLUNTEER_COORDINATOR, Page, roles

# Residents' requests are for the volunteer coordinator (and administrators): a unit leader,
# a staffing coordinator or HR never sees them.
STAFF = roles(VOLUNTEER_COORDINATOR)
TOKEN = "matrix-task-token-abcdefghijklmnopqrstuvwxyz"


def _request(world):
    from tests.community.factories import help_request

    return {"pk": help_request(world).pk}


def _task(world):
    from tests.community.factories import task_for

    return {"pk": task_for(world).pk}


def _token(world):
    from community.models import TaskOffer
    from tests.community.factories import general_volunteer, sent_task
    from volunteers.tokens import token_hash

    _task, offers = sent_task(world, [general_volunteer(world)])
    TaskOffer.objects.filter(pk=offers[0].pk).update(token_hash=token_hash(TOKEN))
    return {"token": TOKEN}


# A unit leader follows the volunteers placed at their own units (never another unit's).
JOURNEY = roles(VOLUNTEER_COORDINATOR, LEADER)
# every leader has the list, showing only their own units' volunteers (tests/community/test_journey)
JOURNEY_LIST = roles(VOLUNTEER_COORDINATOR, *LEADERS)


def _activity(world):
    import datetime as dt

    from django.utils import timezone

    from community.services import activity_place
    from tests.community.factories import general_volunteer

    activity = activity_place(
        volunteer=general_volunteer(world),
        unit=world.home,
        description="Høytlesning",
        starts_on=timezone.localdate() + dt.timedelta(days=7),
        by=world.volunteer_coordinator,
    )
    return activity


def _journey(world):
    return {"pk": _activity(world).pk}


def _journey_step(world):
    activity = _activity(world)
    return {"pk": activity.pk, "step": activity.steps.order_by("pk").first().pk}


PAGES = [
    # public
    Page("community:help", PUBLIC),
    Page("community:help_thanks", PUBLIC),
    Page("community:help_privacy", PUBLIC),
    Page("community:task_answer", PUBLIC, kwargs=_token),
    Page(
        "community:task_answer",
        PUBLIC,
        kwargs=_token,
        method="post",
        data=lambda w: {"answer": "no"},
        ok_status=(302,),
    ),
    Page(
        "community:task_report",
        PUBLIC,
        kwargs=_token,
        method="post",
        data=lambda w: {"visit": "1", "outcome": "done"},
        ok_status=(302,),
    ),
    # volunteer coordinator
    Page("community:request_list", STAFF),
    Page("community:request_create", STAFF),
    Page("community:request_detail", STAFF, kwargs=_request),
    Page("community:request_accept", STAFF, kwargs=_request, method="post", ok_status=(302,)),
    Page(
        "community:request_refer",
        STAFF,
        kwargs=_request,
        method="post",
        data=lambda w: {"referred_to": "home_care", "note": "Trenger stell"},
        ok_status=(302,),
    ),
    Page(
        "community:request_close",
        STAFF,
        kwargs=_request,
        method="post",
        data=lambda w: {"reason": "not_needed"},
        ok_status=(302,),
    ),
    Page(
        "community:task_create",
        STAFF,
        kwargs=_request,
        method="post",
        data=lambda w: {"first_on": "2099-01-01", "frequency": "once", "time_of_day": "any"},
        ok_status=(302, 400),
    ),
    Page("community:task_list", STAFF),
    Page("community:task_detail", STAFF, kwargs=_task),
    Page(
        "community:task_send",
        STAFF,
        kwargs=_task,
        method="post",
        data=lambda w: {"volunteers": ["999999"]},
        ok_status=(400,),
    ),
    Page(
        "community:task_end",
        STAFF,
        kwargs=_task,
        method="post",
        data=lambda w: {"reason": "Ikke lenger behov"},
        ok_status=(302,),
    ),
    Page(
        "community:follow_up",
        STAFF,
        kwargs=_task,
        method="post",
        data=lambda w: {"outcome": "went_well"},
        ok_status=(302,),
    ),
    Page("community:contacts", STAFF),
    Page(
        "community:contacts",
        STAFF,
        method="post",
        data=lambda w: {"unit": w.home.pk, "user": w.leader.pk},
        ok_status=(302,),
    ),
    Page("community:journey_list", JOURNEY_LIST),
    Page(
        "community:journey_create",
        STAFF,
        method="post",
        data=lambda w: {"description": "x"},
        ok_status=(400,),
    ),
    Page("community:journey_detail", JOURNEY, kwargs=_journey),
    Page(
        "community:journey_step",
        JOURNEY,
        kwargs=_journey_step,
        method="post",
        data=lambda w: {},
        ok_status=(302,),
    ),
    Page("community:report", STAFF),
    Page("community:report_export", STAFF),
]
