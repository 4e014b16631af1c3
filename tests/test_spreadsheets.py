"""core.spreadsheets: the exports' CSV and XLSX written as they stream."""

import csv
import io
import secrets
import zipfile

import openpyxl

from core.spreadsheets import csv_stream, sheet_title, write_xlsx, xlsx_stream


def _rows(count: int, taken: list[int]):
    """A header and `count` rows that compress badly, counting how many were taken."""
    yield ["Name", "Code", "Number"]
    for n in range(count):
        taken[0] = n + 1
        yield [f"Person {n}", secrets.token_hex(40), n]


def test_the_xlsx_streams_while_the_rows_are_read():
    taken = [0]
    seen = []
    parts = []
    for part in xlsx_stream(title="Liste", rows=_rows(6000, taken)):
        seen.append(taken[0])
        parts.append(part)

    assert seen[0] == 0  # the first bytes leave before the first row is read
    assert len(parts) > 5 and seen[len(seen) // 2] < 6000  # and the rest as they come
    assert max(len(part) for part in parts) < len(b"".join(parts)) / 3  # never all at once
    book = openpyxl.load_workbook(io.BytesIO(b"".join(parts)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 6001
    assert rows[0] == ("Name", "Code", "Number")
    assert rows[-1][0] == "Person 5999" and rows[-1][2] == 5999


def test_the_streamed_xlsx_is_a_valid_package():
    body = b"".join(xlsx_stream(title="Vakter", rows=[["A", 1], ["=B", -2.5]]))
    book = zipfile.ZipFile(io.BytesIO(body))
    assert book.testzip() is None
    assert book.namelist()[0] == "[Content_Types].xml"
    assert set(book.namelist()) == {
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/_rels/workbook.xml.rels",
        "xl/workbook.xml",
        "xl/worksheets/sheet1.xml",
    }
    # written without seeking: each entry's sizes follow its data (a data descriptor)
    assert all(info.flag_bits & 0x08 for info in book.infolist())
    types = book.read("[Content_Types].xml").decode()
    assert "/xl/workbook.xml" in types and "/xl/worksheets/sheet1.xml" in types
    assert 'name="Vakter"' in book.read("xl/workbook.xml").decode()
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["A", 1], ["'=B", -2.5]]


def test_the_streamed_and_the_written_file_hold_the_same_cells(tmp_path):
    rows = [["Navn", "Tall"], ["Ærlig <ø>", 3], ["", None], ["x\x00y", "@SUM(A1)"]]
    path = tmp_path / "book.xlsx"
    with path.open("wb") as out:
        write_xlsx(out, title="T", rows=rows)
    streamed = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx_stream(title="T", rows=rows))))
    written = openpyxl.load_workbook(path)

    def cells(book):
        return [[c.value for c in row] for row in book.active.iter_rows()]

    assert cells(streamed) == cells(written)
    assert cells(streamed)[1] == ["Ærlig <ø>", 3]
    assert cells(streamed)[3] == ["xy", "'@SUM(A1)"]


def test_a_sheet_title_follows_the_spreadsheet_rules():
    assert sheet_title("Vakt/liste: <2026>") == "Vaktliste <2026>"
    assert sheet_title("x" * 40) == "x" * 31
    assert sheet_title("'Sitat'") == "Sitat"
    assert sheet_title("[]:*?/\\") == "Sheet1"
    assert sheet_title("  ") == "Sheet1"


def test_the_csv_starts_with_a_byte_order_mark_and_defuses_formulas():
    parts = list(csv_stream([["Navn", "Tall"], ["=1+1", 2], ["-3", -3]], block=2))
    assert parts[0] == "\ufeff"
    assert len(parts) == 3  # the rows go in blocks
    rows = list(csv.reader(io.StringIO("".join(parts[1:])), delimiter=";"))
    assert rows == [["Navn", "Tall"], ["'=1+1", "2"], ["'-3", "-3"]]
