"""List msgids without a Bokmål translation (used by scripts/messages.sh and the tests)."""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def catalogues(language: str = "nb") -> list[Path]:
    return sorted(
        p
        for p in ROOT.glob(f"**/locale/{language}/LC_MESSAGES/django.po")
        if ".venv" not in p.parts
    )


def untranslated(language: str = "nb") -> list[tuple[str, str]]:
    missing = []
    for path in catalogues(language):
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            if not entry.translated() or "fuzzy" in entry.flags:
                missing.append((str(path.relative_to(ROOT)), entry.msgid))
    return missing


if __name__ == "__main__":
    rows = untranslated()
    for path, msgid in rows:
        sys.stdout.write(f"{path}: {msgid}\n")
    sys.stdout.write(f"{len(rows)} untranslated\n")
