"""The project's select template (templates/django/forms/widgets/select.html) writes options
inline: the same HTML as Django's per-option templates, whitespace aside."""

import re

from django import forms
from django.forms.renderers import DjangoTemplates


class Picks(forms.Form):
    plain = forms.ChoiceField(choices=[("", "---"), ("1", "Ås & <b>"), ("2", "B")], initial="1")
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], initial=["x", "y"])
    grouped = forms.ChoiceField(
        choices=[("Gruppe", [("1", "en"), ("2", "to")]), ("3", "tre")], initial="2"
    )
    maybe = forms.NullBooleanField()
    styled = forms.TypedChoiceField(
        choices=[(1, "1"), (2, "2")], widget=forms.Select(attrs={"class": "x"})
    )


class InheritingSelect(forms.Select):
    option_inherits_attrs = True  # each option carries the select's attrs: Django's template


class Inherits(forms.Form):
    odd = forms.ChoiceField(
        choices=[("a", "A")], widget=InheritingSelect(attrs={"data-x": "1"}), initial="a"
    )


def _same(html: str) -> str:
    return re.sub(r"\s*\n\s*", "\n", html).strip()


def test_the_inline_options_are_djangos_html():
    ours = Picks().as_p()
    djangos = Picks(renderer=DjangoTemplates()).as_p()
    assert "Ås &amp; &lt;b&gt;" in ours and '<option value="1" selected>' in ours
    assert '<optgroup label="Gruppe">' in ours
    assert _same(ours) == _same(djangos)


def test_options_with_their_own_attributes_go_through_djangos_option_template():
    ours = Inherits().as_p()
    assert re.search(r'<option value="a"[^>]* data-x="1"[^>]* selected>', ours)
    assert _same(ours) == _same(Inherits(renderer=DjangoTemplates()).as_p())
