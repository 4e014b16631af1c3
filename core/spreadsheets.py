"""CSV and XLSX files for exports, written as they stream.

Both are generators of the file's bytes (or text) fed by an iterable of rows, so a
`StreamingHttpResponse` sends the first bytes at once and memory stays flat however many rows.
Cells a spreadsheet would run as a formula are defused (`cell`)."""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO
from xml.sax.saxutils import escape

from django.utils import translation

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell(value: object) -> object:
    """A text a spreadsheet would run as a formula gets a leading apostrophe; numbers stay
    numbers (a negative number is a number, not a formula)."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def csv_row(row: Iterable[object]) -> list[object]:
    return [cell(value) for value in row]


def csv_stream(
    rows: Iterable[Iterable[object]], *, delimiter: str = ";", block: int = 500
) -> Iterator[str]:
    """A byte order mark (spreadsheets then read UTF-8), then the rows, defused, `block` lines
    at a time (one line per chunk cost a write to the socket per row)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    yield "\ufeff"
    rows = iter(rows)
    while lines := [csv_row(row) for row in itertools.islice(rows, block)]:
        writer.writerows(lines)
        yield out.getvalue()
        out.seek(0)
        out.truncate()


def in_language(language: str | None, parts: Iterable) -> Iterator:
    """`parts`, produced in `language`: a streamed body is rendered after the view returned
    (and, under a WSGI server, maybe after another request changed the thread's language)."""
    with translation.override(language):
        yield from parts


# A minimal Office Open XML workbook: one sheet of inline strings and numbers. openpyxl builds
# an element per cell and took ~10x longer for the same 3,000 rows; this writes the sheet's XML
# as text straight into the zip (tests read the file back with openpyxl).
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# XML 1.0 allows no control characters but tab, newline and carriage return.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Rows written to the zip (and, streamed, sent) at a time.
_ROWS_PER_BLOCK = 500


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        name = chr(65 + remainder) + name
    return name


def _xml_cell(ref: str, value: object) -> str:
    if type(value) is not str:
        value = cell(value)
        if isinstance(value, bool):
            value = str(value)
        elif isinstance(value, int | float):
            return f'<c r="{ref}"><v>{value!r}</v></c>'
        elif value is None:
            return ""
        else:
            value = str(value)
    if not value:
        return ""
    if value[0] in FORMULA_STARTS:
        value = "'" + value
    # At most 32,767 characters, counted without those XML cannot hold; then escaped.
    text = _ILLEGAL_XML.sub("", value)[:32767]
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def sheet_title(title: str) -> str:
    """A sheet's name: at most 31 characters, none of \\ / ? * [ ] :, not blank, and no
    apostrophe at either end (Excel and LibreOffice refuse the file otherwise)."""
    title = re.sub(r"[\\/?*\[\]:]", "", _ILLEGAL_XML.sub("", title))
    return title.strip().strip("'")[:31].strip().strip("'") or "Sheet1"


def _write_book(out: IO[bytes], *, title: str, rows: Iterable[list[object]]) -> Iterator[None]:
    """Write the workbook to `out`, pausing (yielding) after every block of rows and once
    more when the zip is closed."""
    title = escape(sheet_title(title), {'"': "&quot;"})
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            f'<sheet name="{title}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<worksheet xmlns="{_MAIN}"><sheetData>'.encode()
            )
            yield
            columns: list[str] = []
            block: list[str] = []
            for number, row in enumerate(rows, start=1):
                while len(columns) < len(row):
                    columns.append(_column(len(columns)))
                suffix = str(number)
                cells = "".join(
                    [
                        _xml_cell(column + suffix, value)
                        for column, value in zip(columns, row, strict=False)
                    ]
                )
                block.append(f'<row r="{number}">{cells}</row>')
                if len(block) >= _ROWS_PER_BLOCK:
                    sheet.write("".join(block).encode())
                    block = []
                    yield
            sheet.write(("".join(block) + "</sheetData></worksheet>").encode())
    yield


def write_xlsx(out: IO[bytes], *, title: str, rows: Iterable[list[object]]) -> None:
    """The workbook written to a file."""
    for _pause in _write_book(out, title=title, rows=rows):
        pass


class _Sink:
    """Where the zip writes while it streams: it cannot seek (so zipfile writes each entry's
    sizes in a data descriptor after the data) and hands its bytes over as they come."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def xlsx_stream(*, title: str, rows: Iterable[list[object]]) -> Iterator[bytes]:
    """The workbook's bytes, a block of rows at a time, for a StreamingHttpResponse."""
    sink = _Sink()
    for _pause in _write_book(sink, title=title, rows=rows):
        data = sink.take()
        if data:
            yield data
