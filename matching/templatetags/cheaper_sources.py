"""{% cheaper_sources %}: the small block on /matching/ that says how the open proposals split
over the three sources and why the dearer ones were needed (issue 13, item 8). Kept in its own
tag and include so the page's template carries only the one line that places it."""

from django import template
from django.db.models import Count
from django.utils import timezone

from matching.models import Proposal

register = template.Library()
ORDER = ("employee", "volunteer", "agency")


@register.inclusion_tag("matching/includes/cheaper_sources.html")
def cheaper_sources() -> dict:
    counts = dict(
        Proposal.objects.filter(
            status__in=[Proposal.Status.PROPOSED, Proposal.Status.OFFERED],
            shift__start__gt=timezone.now(),
        )
        .values("worker__source")
        .annotate(n=Count("pk"))
        .values_list("worker__source", "n")
    )
    return {
        "employee": counts.get("employee", 0),
        "volunteer": counts.get("volunteer", 0),
        "agency": counts.get("agency", 0),
        "dearer": counts.get("volunteer", 0) + counts.get("agency", 0),
    }
