"""Keep personal-link tokens out of logs.

A personal link (/volunteer/me/<token>/, and any link of the same kind) opens a person's data, so
a log line that holds one is a key to it. Every path segment that looks like a token (20 or more
URL-safe characters with nothing else in the segment; hashed static file names have dots) is
logged as <token>. Used by the logging filter in settings.LOGGING and by gunicorn's access log
(config/gunicorn.py).
"""

import logging
import re

TOKEN_SEGMENT_RE = re.compile(r"(?<=/)[A-Za-z0-9_-]{20,}(?=[/?#\s\"']|$)")
MASK = "<token>"


def mask_tokens(text: str) -> str:
    return TOKEN_SEGMENT_RE.sub(MASK, text)


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
