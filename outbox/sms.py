"""SMS arithmetic: how many segments a text costs (GSM 03.38 or UCS-2), numbers in E.164, and
the keyed hash that stands for a number where the number itself need not be kept."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

import phonenumbers
from django.conf import settings

# GSM 03.38 basic character set (one septet each) and the extension table (escape + one).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")

MAX_SEGMENTS = 2


@dataclass(frozen=True)
class Segments:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def sms_segments(text: str) -> Segments:
    """How a phone network splits `text`: GSM-7 takes 160 septets in one segment and 153 per
    segment when split; anything outside GSM-7 sends the whole text as UCS-2, 70 or 67 per
    segment (characters outside the BMP, such as emoji, take two units)."""
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text):
        units = sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi, encoding = 70, 67, "UCS-2"
    if units <= single:
        return Segments(encoding, units, 1 if units else 0)
    return Segments(encoding, units, -(-units // multi))


# Characters that push a Norwegian text into UCS-2 for no gain, and their GSM-7 stand-ins.
_PLAIN = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2026": "...",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
    }
)


def sms_text(text: str) -> str:
    """Tidy a rendered template for SMS: GSM-7 stand-ins for typographic characters, blank
    lines and trailing spaces gone."""
    text = text.translate(_PLAIN)
    lines = [line.strip() for line in text.strip().splitlines()]
    return "\n".join(line for line in lines if line)


def normalise_number(raw: str, region: str | None = None) -> str | None:
    """A mobile number in E.164 (+4791234567), or None when `raw` is not a valid number.
    Numbers without a country code are read as Norwegian (DUGNAD_SMS_DEFAULT_REGION)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    try:
        number = phonenumbers.parse(raw, region or settings.DUGNAD["SMS_DEFAULT_REGION"])
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def number_hash(number: str) -> str:
    """Stands for a number in records that must not keep it: the same number gives the same
    hash, and without the secret key the hash gives nothing back."""
    normalised = normalise_number(number) or number
    return hmac.new(
        settings.SECRET_KEY.encode(), f"sms-number:{normalised}".encode(), hashlib.sha256
    ).hexdigest()
