"""Texts that are composed once and read later, in whichever language the reader picked.

Matching explanations are built when a run is saved (often by a Celery worker with no
reader in sight), so they are rendered in every interface language and stored as
{language code: text}; the page shows the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import translation

Texts = dict[str, str]


def in_each_language(render: Callable[..., Any], *args: Any, **kwargs: Any) -> Texts:
    """`render(*args, **kwargs)` once per language in settings.LANGUAGES, with that language
    active."""
    out: Texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            out[code] = str(render(*args, **kwargs))
    return out


def pick(texts: Texts | str | None) -> str:
    """The text in the active language, else the site's default, else any; a plain string
    (stored before texts were kept per language) is returned as it is."""
    if not texts:
        return ""
    if isinstance(texts, str):
        return texts
    active = translation.get_language() or settings.LANGUAGE_CODE
    for code in (active, active.split("-")[0], settings.LANGUAGE_CODE):
        if code in texts:
            return texts[code]
    return next(iter(texts.values()))
