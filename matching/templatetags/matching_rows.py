"""{{ p.pk|url_for:"matching:offer" }}: the address of an action on one row of a long list.

A row of /matching/ links to half a dozen actions; reverse() for each, on every row, was a
tenth of the page's time. The address of a view that takes one id is reversed once per
process (and script prefix) with a stand-in id, and each row only puts its own id in."""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse

register = template.Library()
STAND_IN = "2147483647"  # the largest id PostgreSQL's integer takes: never part of a path


@lru_cache(maxsize=64)
def _around_the_id(name: str, prefix: str) -> tuple[str, str]:
    head, found, tail = reverse(name, args=[int(STAND_IN)]).partition(STAND_IN)
    if not found:  # pragma: no cover - a view whose path does not show its id
        raise ValueError(f"{name} does not put its id in the path")
    return head, tail


@register.filter
def url_for(pk, name: str) -> str:
    head, tail = _around_the_id(name, get_script_prefix())
    return f"{head}{int(pk)}{tail}"
