"""Every interface text has a Bokmål translation, and the compiled catalogues match the sources."""

import gettext
import sys
from pathlib import Path

import polib
import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from untranslated import catalogues, untranslated  # noqa: E402


def test_every_catalogue_entry_has_a_bokmal_translation():
    missing = untranslated("nb")
    assert not missing, "\n".join(f"{path}: {msgid}" for path, msgid in missing[:40])


@pytest.mark.parametrize("po_path", catalogues("nb"), ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogue_is_up_to_date(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"run `make messages` to compile {po_path}"
    with mo_path.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete or not entry.msgstr or entry.msgid_plural:
            continue
        msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        assert compiled.gettext(msgid) == entry.msgstr, f"{po_path}: {entry.msgid!r} not compiled"


def test_interface_is_bokmal_by_default_and_english_on_request(client, db):
    html = client.get("/").content.decode()
    assert 'lang="nb"' in html
    assert "Meld deg som frivillig" in html

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert 'lang="en"' in html
    assert "Register as a volunteer" in html


@override_settings(LANGUAGE_CODE="nb")
def test_login_errors_are_in_norwegian(client, world):
    response = client.post("/accounts/login/", {"login": "leader@dugnad.test", "password": "x"})
    assert response.status_code == 200
    assert "passordet du oppgav er feil" in response.content.decode()  # allauth, in Bokmål


def test_an_english_browser_still_gets_bokmal_until_the_person_chooses(client, db):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="nb"' in html

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="nb-NO").content.decode()
    assert 'lang="en"' in html
