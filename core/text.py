"""Text stored as a person meant it, whatever the keyboard or the clipboard added.

- Digits: Arabic-Indic (٠١٢), Persian (۰۱۲), full-width (０１２) and other Unicode decimal
  digits become ASCII 0-9, so an HPR number or a postcode is searchable and comparable.
- One-line text (names, titles, reasons): NFC-normalised and trimmed, runs of spaces collapsed;
  line breaks, control characters and the bidirectional embedding/override/isolate characters
  (U+202A-U+202E, U+2066-U+2069), which can make a name display as something else, are refused.
  Invisible direction marks (U+200E, U+200F, U+061C) are removed.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
)
DIRECTION_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c"))
_SPACES = re.compile(r"[^\S\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


def ascii_digits(value: str) -> str:
    """`value` with every Unicode decimal digit replaced by its ASCII digit."""
    return "".join(
        str(unicodedata.decimal(ch))
        if not ch.isascii() and unicodedata.decimal(ch, None) is not None
        else ch
        for ch in value
    )


def _is_break_or_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp")


def clean_line(value: str) -> str:
    """One line of text as a person meant it; raises ValidationError when it holds a line
    break, a control character or a direction override."""
    value = unicodedata.normalize("NFC", value).translate(DIRECTION_MARKS).replace("\t", " ")
    value = value.strip()
    if any(_is_break_or_control(ch) for ch in value):
        raise ValidationError(
            _("Use one line without line breaks or control characters."), code="control"
        )
    if any(ch in BIDI_CONTROLS for ch in value):
        raise ValidationError(
            _("Remove the invisible text-direction characters (often pasted along)."),
            code="bidi",
        )
    return _SPACES.sub(" ", value)


def clean_text(value: str) -> str:
    """Free text over several lines: line breaks stay (as \\n), other control characters and
    direction overrides are removed rather than refused, since a long note should not be lost
    to one invisible character."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        ch
        for ch in value.translate(DIRECTION_MARKS)
        if ch == "\n" or ch == "\t" or not (_is_break_or_control(ch) or ch in BIDI_CONTROLS)
    ).strip()
