"""CSV cells that are safe to open in a spreadsheet. A leaf: selectors (exports) and services
(the referral list sent by e-mail) both use it."""

import re
from collections.abc import Iterable

PHONE_RE = re.compile(r"^\+\d{6,15}$")


def csv_safe(row: Iterable) -> list[str]:
    """Spreadsheets run cells that start with = + - @ as formulas; phone numbers may stay."""
    cells = []
    for value in row:
        text = "" if value is None else str(value)
        if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not PHONE_RE.match(text):
            text = "'" + text
        cells.append(text)
    return cells
