"""What a person reported in competence inventories, for the resource register's person page
(resources sits above inventory): reported-not-verified competence is shown as such there."""

from django import template

from inventory.models import Answer

register = template.Library()


@register.inclusion_tag("inventory/_person_answers.html")
def inventory_answers(worker) -> dict:
    answers = (
        Answer.objects.filter(invitation__worker=worker)
        .select_related("invitation__inventory", "verified_by")
        .prefetch_related("qualifications", "skills")
        .order_by("-invitation__inventory__started_at", "-pk")[:5]
    )
    return {"answers": list(answers)}
