"""CSV and XLSX exports of placed shifts for the rota and payroll systems."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.conf import settings
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation

from staffing.models import AuditEntry
from tests.matching.factories import need_with_shifts
from tests.rosters.factories import placed_on


def _period(days=14):
    today = timezone.localdate()
    return {
        "date_from": today.isoformat(),
        "date_to": (today + dt.timedelta(days=days - 1)).isoformat(),
    }


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body), delimiter=";"))


def test_the_csv_has_one_row_per_placed_shift_in_local_time(client, world):
    shift = need_with_shifts(world, shifts=((3, 7),)).shifts.get()
    placement = placed_on(world, shift, ready=True, last_name="Lie")
    client.force_login(world.coordinator)

    response = client.get(reverse("rosters:export_csv"), _period())

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert len(rows) == 2
    _header, row = rows
    local = timezone.localtime(shift.start)
    assert row[:4] == [local.date().isoformat(), local.strftime("%H:%M"), "15:00", "8.0"]
    assert row[4:6] == [world.home.code, world.home.name]
    assert row[7:9] == ["Lie", placement.worker.first_name]
    assert row[-1] == str(placement.pk)
    assert AuditEntry.objects.filter(actor=world.coordinator, field="register_exported").exists()


def test_cells_that_look_like_formulas_are_defused(client, world):
    shift = need_with_shifts(world, shifts=((3, 7),)).shifts.get()
    placed_on(world, shift, last_name='=HYPERLINK("http://x")', first_name="+SUM(A1)")
    client.force_login(world.coordinator)

    rows = _csv(client.get(reverse("rosters:export_csv"), _period()))
    assert rows[1][7] == '\'=HYPERLINK("http://x")'
    assert rows[1][8] == "'+SUM(A1)"

    response = client.get(reverse("rosters:export_xlsx"), _period())
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [cell.value for cell in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert cells[7] == '\'=HYPERLINK("http://x")'
    assert cells[3] == 8.0  # numbers stay numbers


def test_a_leader_exports_only_their_own_units(client, world):
    mine = need_with_shifts(world, shifts=((3, 7),)).shifts.get()
    theirs = need_with_shifts(world, unit=world.other, shifts=((3, 7),)).shifts.get()
    placed_on(world, mine, last_name="Min")
    placed_on(world, theirs, last_name="Deres")
    client.force_login(world.leader)

    rows = _csv(client.get(reverse("rosters:export_csv"), _period()))
    assert [row[7] for row in rows[1:]] == ["Min"]

    refused = client.get(reverse("rosters:export_csv"), {**_period(), "unit": world.other.pk})
    assert refused.status_code == 400
    assert b"Deres" not in refused.content


def test_a_period_too_long_or_backwards_is_refused_with_a_message(client, world):
    client.force_login(world.coordinator)
    today = timezone.localdate()
    for params in (
        _period(days=200),
        {"date_from": today.isoformat(), "date_to": (today - dt.timedelta(days=1)).isoformat()},
        {"date_from": "2026-02-30", "date_to": today.isoformat()},
        {},
    ):
        response = client.get(reverse("rosters:export_xlsx"), params)
        assert response.status_code == 400, params
        assert 'class="errorlist"' in response.content.decode()


def _rows(kind: str, response) -> int:
    if kind == "csv":
        return len(_csv(response))
    body = b"".join(response.streaming_content)
    return len(list(openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows()))


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_export_runs_the_same_queries_for_many_rows(
    client, world, django_assert_max_num_queries, kind
):
    need = need_with_shifts(world, shifts=[(3 + n, 7) for n in range(12)])
    for shift in need.shifts.all():
        placed_on(world, shift)
    client.force_login(world.coordinator)

    with django_assert_max_num_queries(8):
        rows = _rows(kind, client.get(reverse(f"rosters:export_{kind}"), _period(days=30)))

    assert rows == 13


def test_the_xlsx_writer_survives_any_text_and_reads_back(tmp_path):
    from core.spreadsheets import write_xlsx

    path = tmp_path / "x.xlsx"
    nasty = ["=1+1", "a\x00b\x1fc", "<b>&amp;</b>", "Ærlig ØÅ \u202e", "x" * 40000, "", None]
    with path.open("wb") as out:
        write_xlsx(out, title="Vakt/liste: <2026>", rows=[["A", "B"], nasty, [1, 2.5, -3]])

    sheet = openpyxl.load_workbook(path).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:2] == ["A", "B"]
    assert rows[1][:4] == ["'=1+1", "abc", "<b>&amp;</b>", "Ærlig ØÅ \u202e"]
    assert len(rows[1][4]) == 32767
    assert rows[2][:3] == [1, 2.5, -3]


def test_the_xlsx_streams_in_the_reader_s_language_with_no_store(client, world):
    shift = need_with_shifts(world, shifts=((3, 7),)).shifts.get()
    placed_on(world, shift, last_name="Lie")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.coordinator)

    response = client.get(reverse("rosters:export_xlsx"), _period())

    assert isinstance(response, StreamingHttpResponse) and response.streaming
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith('attachment; filename="')
    # the body is written after the view returned, whatever language is active then
    with translation.override("nb"):
        body = b"".join(response.streaming_content)
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["Roster"]
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Date", "Start", "End")
    assert rows[1][7] == "Lie"
    assert AuditEntry.objects.get(field="register_exported").new_value == "1 roster xlsx"
