"""Spreadsheet files of rosters for the rota and payroll systems."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """A text a spreadsheet would run as a formula gets a leading apostrophe; numbers stay
    numbers (a negative number is a number, not a formula)."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def csv_row(row: Iterable[object]) -> list[object]:
    return [cell(value) for value in row]


class Echo:
    """A file-like object whose write returns the line, for a streamed csv.writer."""

    def write(self, value: str) -> str:
        return value


def write_xlsx(out: IO[bytes], *, title: str, rows: Iterable[list[object]]) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for row in rows:
        sheet.append(csv_row(row))
    book.save(out)
