"""Keep personal-link tokens out of logs.

A personal link (/volunteer/me/<token>/, /offer/<token>/, /inventory/<token>/,
/calendar/<token>/, /task/<token>/) opens a person's data, so a log line
that holds one is a key to it. A path segment is logged as <token> when it follows one of those
prefixes, or when it looks random: 32 or more URL-safe characters mixing upper case, lower case
and digits (secrets.token_urlsafe), or a derived link (volunteers.services.link_token). Names of
files, slugs and hashed static files stay readable. Used by the logging filter in
settings.LOGGING and by gunicorn's access log (config/gunicorn.py).
"""

import logging
import re

SEGMENT_RE = re.compile(r"(?<=/)([A-Za-z0-9_-]{20,})(?=[/?#\s\"']|$)")
AFTER_PREFIX_RE = re.compile(r"(?:^|/)(?:volunteer/me|offer|inventory|calendar|task)/$")
DERIVED_RE = re.compile(r"^\d+x[0-9a-f]{48}$")
MASK = "<token>"


def _looks_like_token(segment: str) -> bool:
    if DERIVED_RE.match(segment):
        return True
    return (
        len(segment) >= 32
        and any(c.isupper() for c in segment)
        and any(c.islower() for c in segment)
        and any(c.isdigit() for c in segment)
    )


def mask_tokens(text: str) -> str:
    if "/" not in text:
        return text

    def replace(match: re.Match) -> str:
        segment = match.group(1)
        before = text[max(0, match.start() - 20) : match.start()]
        if _looks_like_token(segment) or AFTER_PREFIX_RE.search(before):
            return MASK
        return segment

    return SEGMENT_RE.sub(replace, text)


def path_has_token(path: str) -> bool:
    return mask_tokens(path) != path


class MaskTokensFilter(logging.Filter):
    """Rewrites the record's message with tokens masked (Django's "Not Found: /path" warnings,
    runserver's request lines, anything else that logs a path)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is logging's problem, not ours
            return True
        masked = mask_tokens(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
