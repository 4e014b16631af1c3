"""Fill Bokmål translations into a catalogue from a JSON dict {msgid: msgstr}.

Usage: python scripts/translate.py path/to/django.po translations.json
Leaves entries it has no translation for untouched (scripts/untranslated.py lists them).
"""

import json
import sys

import polib


def main(po_path: str, json_path: str) -> None:
    with open(json_path, encoding="utf-8") as fh:
        table = json.load(fh)
    po = polib.pofile(po_path)
    for entry in po:
        if entry.msgid in table:
            if entry.msgid_plural:
                forms = table[entry.msgid]
                entry.msgstr_plural = {0: forms[0], 1: forms[1]}
            else:
                entry.msgstr = table[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save(po_path)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
