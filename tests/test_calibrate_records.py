"""Reading a county's 110 call log and township panel: every row kept or listed in the data
report with its reason, and every bad file a RecordsError, never a traceback."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import numpy as np
import openpyxl
import pandas as pd
import pytest

from simulation.calibrate.records import (
    CALL_HEADERS,
    CATEGORY_NAMES,
    OUTCOME_NAMES,
    PANEL_HEADERS,
    CallColumns,
    DataReport,
    PanelColumns,
    RecordIssue,
    RecordsError,
    read_call_log,
    read_panel,
    township_key,
)
from simulation.errors import ScenarioError

NAMES = ["张庄村", "李家村", "王家湾", "城关村"]
FIELDS = ["call_id", "received", "village", "category", "dispatched", "arrived", "closed"]
HEADER = ",".join(CALL_HEADERS[f] for f in [*FIELDS, "outcome"])
CLEAN = [
    "A2,2025-01-03 09:10:00,李家村,殴打伤害,2025-01-03 09:12:00,2025-01-03 09:30:00,"
    "2025-01-03 10:00:00,抓获嫌疑人",
    "A1,2025-01-02 14:22:05,张庄村,入室盗窃,2025-01-02 14:25:00,2025-01-02 14:40:00,"
    "2025-01-02 15:30:00,未抓获",
    "A3,2025-01-04 20:00:00,王家湾,民间纠纷,,,,现场调解",
]


def write(tmp_path, lines, *, encoding="utf-8", name="calls.csv"):
    path = tmp_path / name
    path.write_bytes("\n".join(lines).encode(encoding) + b"\n")
    return path


def calls_csv(tmp_path, rows, header=HEADER, **kw):
    return write(tmp_path, [header, *rows], **kw)


def expected_clean() -> pd.DataFrame:
    t = pd.Timestamp
    frame = pd.DataFrame(
        {
            "row": [3, 2, 4],
            "call_id": ["A1", "A2", "A3"],
            "received": [t("2025-01-02 14:22:05"), t("2025-01-03 09:10"), t("2025-01-04 20:00")],
            "dispatched": [t("2025-01-02 14:25"), t("2025-01-03 09:12"), pd.NaT],
            "arrived": [t("2025-01-02 14:40"), t("2025-01-03 09:30"), pd.NaT],
            "closed": [t("2025-01-02 15:30"), t("2025-01-03 10:00"), pd.NaT],
            "village": [0, 1, 2],
            "category": ["property", "violent", "dispute"],
            "outcome": ["no_arrest", "arrest", "mediated"],
        }
    )
    times = ["received", "dispatched", "arrived", "closed"]
    return frame.astype({"row": "int64", "village": "int64", **dict.fromkeys(times, "M8[ns]")})


def reasons(report: DataReport) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for i in report.issues:
        out.setdefault(i.row, []).append(i.reason)
    return out


def balanced(report: DataReport) -> bool:
    return report.rows_read == report.rows_kept + report.rejected()


# ---------------------------------------------------------------------------------------------
# Files, encodings, formats


def test_clean_csv_round_trips_exactly(tmp_path):
    """Values, dtypes, column order, sorting by receipt and source row numbers."""
    table, report = read_call_log(calls_csv(tmp_path, CLEAN), NAMES)
    pd.testing.assert_frame_equal(table, expected_clean())
    assert list(table.columns) == [
        "row",
        "call_id",
        "received",
        "dispatched",
        "arrived",
        "closed",
        "village",
        "category",
        "outcome",
    ]
    assert report.issues == [] and report.counted == {}
    assert (report.rows_read, report.rows_kept, report.rejected(), report.repaired()) == (
        3,
        3,
        0,
        0,
    )
    assert any("received ← '接警时间'" in n for n in report.notes)
    assert report.file == "calls.csv"


@pytest.mark.parametrize(
    "encoding, note", [("utf-8-sig", "utf-8 with BOM"), ("gbk", "gb18030"), ("gb18030", "gb18030")]
)
def test_bom_and_gbk_read_without_being_told(tmp_path, encoding, note):
    table, report = read_call_log(calls_csv(tmp_path, CLEAN, encoding=encoding), NAMES)
    pd.testing.assert_frame_equal(table, expected_clean())
    assert any(n.startswith("encodings:") and note in n for n in report.notes)


def test_a_log_pasted_from_utf8_and_gbk_exports_reads_whole(tmp_path):
    path = tmp_path / "calls.csv"
    utf8 = "\n".join([HEADER, *CLEAN[:2]]).encode("utf-8")
    gbk = "A4,2025-01-05 08:00:00,城关村,群众求助,,,,现场帮助".encode("gbk")
    path.write_bytes(utf8 + b"\n" + gbk + b"\n")
    table, report = read_call_log(path, NAMES)
    assert list(table["call_id"]) == ["A1", "A2", "A4"]
    assert table["village"].iloc[-1] == 3 and table["outcome"].iloc[-1] == "assisted"
    encodings = next(n for n in report.notes if n.startswith("encodings:"))
    assert "utf-8 (3 lines)" in encodings and "gb18030 (GBK) (1 lines)" in encodings
    assert report.issues == []


def test_an_undecodable_line_is_rejected_not_fatal(tmp_path):
    path = tmp_path / "calls.csv"
    good = "\n".join([HEADER, *CLEAN]).encode("utf-8")
    path.write_bytes(good + b"\nA9,2025-01-05 08:00:00,\xff\xfe\x80\xff,\x80\x80\n")
    table, report = read_call_log(path, NAMES)
    assert len(table) == 3
    assert reasons(report) == {5: ["undecodable bytes"]}
    assert report.issues[0].action == "rejected" and balanced(report)


def test_utf16_file_is_a_clear_error(tmp_path):
    path = calls_csv(tmp_path, CLEAN, encoding="utf-16")
    with pytest.raises(RecordsError, match="UTF-16"):
        read_call_log(path, NAMES)


def xlsx(tmp_path, rows, name="calls.xlsx", title=None):
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title or "Sheet1"
    for r in rows:
        sheet.append(r)
    path = tmp_path / name
    book.save(path)
    return path


def test_xlsx_with_datetime_cells_numbers_rows_like_excel(tmp_path):
    header = [CALL_HEADERS[f] for f in FIELDS]
    path = xlsx(
        tmp_path,
        [
            header,
            [2025010300001, datetime(2025, 1, 3, 9, 10), "李家村", "殴打伤害", None, None, None],
            [None] * 7,  # a blank row: skipped, but row numbers stay Excel's
            ["B2", datetime(2025, 1, 2, 23, 50), "张庄村", "入室盗窃", time(23, 55), time(0, 20)],
        ],
    )
    table, report = read_call_log(path, NAMES)
    assert list(table["row"]) == [4, 2]
    assert list(table["call_id"]) == ["B2", "2025010300001"]
    assert table["arrived"].iloc[0] == pd.Timestamp("2025-01-03 00:20")  # past midnight
    assert table["dispatched"].iloc[0] == pd.Timestamp("2025-01-02 23:55")
    assert report.issues == [] and report.rows_read == 2
    assert any("sheet: 'Sheet1'" in n for n in report.notes)
    assert any("blank" in n for n in report.notes)


def test_xlsx_with_excel_serial_numbers_and_a_named_sheet(tmp_path):
    header = [CALL_HEADERS[f] for f in ("received", "village", "category", "arrived")]
    path = xlsx(tmp_path, [header, [45660.604, "张庄村", "群众求助", 45660.625]], title="警情")
    table, report = read_call_log(path, NAMES, sheet="警情")
    assert table["received"].iloc[0] == pd.Timestamp("2025-01-03 14:29:46")
    assert table["arrived"].iloc[0] == pd.Timestamp("2025-01-03 15:00:00")
    assert report.counted == {"Excel serial dates converted": 2}
    assert report.issues == [] and report.repaired() == 2
    assert any("Excel serial dates converted: 2" in n for n in report.notes)
    with pytest.raises(RecordsError, match="no sheet named 'x'; the sheets are '警情'"):
        read_call_log(path, NAMES, sheet="x")


def test_excel_serial_dates_in_a_csv_are_counted_not_listed(tmp_path):
    rows = [f"S{k},45660.{500 + k},张庄村,入室盗窃,,,," for k in range(5)]
    table, report = read_call_log(calls_csv(tmp_path, rows), NAMES)
    assert table["received"].iloc[0] == pd.Timestamp("2025-01-03 12:00:00")
    assert report.counted == {"Excel serial dates converted": 5} and report.issues == []


@pytest.mark.parametrize(
    "text, when",
    [
        ("2025年1月3日 14时22分05秒", "2025-01-03 14:22:05"),
        ("2025年1月3日 14时22分", "2025-01-03 14:22"),
        ("2025年1月3日 14:22", "2025-01-03 14:22"),
        ("2025/1/3 9:05", "2025-01-03 09:05"),
        ("2025/1/3 9:05:07", "2025-01-03 09:05:07"),
        ("20250103142205", "2025-01-03 14:22:05"),
        ("2025-01-03T14:22:05", "2025-01-03 14:22:05"),
        ("2025-01-03T06:22:05Z", "2025-01-03 14:22:05"),
        ("2025-01-03 14:22:05.250", "2025-01-03 14:22:05.25"),
    ],
)
def test_time_formats(tmp_path, text, when):
    table, report = read_call_log(calls_csv(tmp_path, [f"X,{text},张庄村,盗窃,,,,"]), NAMES)
    assert table["received"].iloc[0] == pd.Timestamp(when)
    assert report.issues == []


def test_times_of_day_take_the_receipt_date_and_cross_midnight(tmp_path):
    rows = ["M1,2025-01-02 23:50:00,张庄村,入室盗窃,23:55,00:20:30,01:10,未抓获"]
    table, report = read_call_log(calls_csv(tmp_path, rows), NAMES)
    call = table.iloc[0]
    assert call["dispatched"] == pd.Timestamp("2025-01-02 23:55")
    assert call["arrived"] == pd.Timestamp("2025-01-03 00:20:30")
    assert call["closed"] == pd.Timestamp("2025-01-03 01:10")
    assert report.counted == {
        "times of day given the receipt's date": 1,
        "times of day given the day after receipt (past midnight)": 2,
    }
    assert report.issues == [] and report.repaired() == 3


def test_bad_times_reject_the_call_or_repair_the_later_time(tmp_path):
    rows = [
        "B1,not a time,张庄村,盗窃,,,,",
        "B2,14:35,张庄村,盗窃,,,,",
        "B3,2025-01-03,张庄村,盗窃,,,,",
        "B4,2025-01-03 10:00,张庄村,盗窃,,soon,,",
        "B5,2025-02-30 10:00,张庄村,盗窃,,,,",
    ]
    table, report = read_call_log(calls_csv(tmp_path, rows), NAMES)
    assert list(table["call_id"]) == ["B4"] and pd.isna(table["arrived"].iloc[0])
    got = reasons(report)
    assert got[2] == ["bad received time 'not a time'"]
    assert got[3] == ["bad received time '14:35' (a time without a date)"]
    assert got[4] == ["bad received time '2025-01-03' (a date without a time)"]
    assert got[5] == ["bad arrived time 'soon'"]
    assert got[6] == ["bad received time '2025-02-30 10:00'"]
    assert balanced(report)


def test_title_lines_above_the_header_are_skipped(tmp_path):
    path = write(tmp_path, ["某某县公安局110警情统计表,,,", "2025年1月,,,", HEADER, *CLEAN])
    table, report = read_call_log(path, NAMES)
    assert sorted(table["row"]) == [4, 5, 6]
    assert any("skipped 2 line(s) above the header" in n for n in report.notes)


def test_crlf_and_a_quoted_field_over_two_lines_keep_line_numbers(tmp_path):
    path = tmp_path / "calls.csv"
    text = "\r\n".join([HEADER, '"A1\r\nB",2025-01-02 10:00,张庄村,盗窃,,,,', CLEAN[0]])
    path.write_bytes(text.encode("gbk"))
    table, report = read_call_log(path, NAMES)
    assert table["row"].tolist() == [2, 4]
    assert table["call_id"].tolist() == ["A1\r\nB", "A2"] and report.issues == []


def test_tab_separated_txt(tmp_path):
    lines = [HEADER.replace(",", "\t"), *(r.replace(",", "\t") for r in CLEAN)]
    table, _ = read_call_log(write(tmp_path, lines, name="calls.txt"), NAMES)
    pd.testing.assert_frame_equal(table, expected_clean())


# ---------------------------------------------------------------------------------------------
# Columns


def test_a_missing_required_column_names_it_and_the_headers_found(tmp_path):
    path = write(tmp_path, ["警情编号,接警时间,村名", "A1,2025-01-02 14:22,张庄村"])
    with pytest.raises(RecordsError) as caught:
        read_call_log(path, NAMES)
    error = caught.value
    assert isinstance(error, ScenarioError) and isinstance(error, ValueError)
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert (problem.file, problem.key) == ("calls.csv", "records.calls")
    assert str(error).startswith("calls.csv: records.calls: no category column")
    assert "'警情编号', '接警时间', '村名'" in str(error)


def test_no_column_to_place_calls_is_an_error(tmp_path):
    path = write(tmp_path, ["接警时间,警情类别", "2025-01-02 14:22,盗窃"])
    with pytest.raises(RecordsError, match="no column places the calls"):
        read_call_log(path, NAMES)


def test_user_column_map(tmp_path):
    path = write(tmp_path, ["报案时刻,地点,案由", "2025-01-02 14:22,张庄村,盗窃"])
    columns = {"received": "报案时刻", "village": "地点", "category": "案由"}
    table, _ = read_call_log(path, NAMES, columns=columns)
    assert table["village"].tolist() == [0] and table["category"].tolist() == ["property"]
    table2, _ = read_call_log(path, NAMES, columns=CallColumns(**columns))
    pd.testing.assert_frame_equal(table, table2)


def test_a_wrong_header_in_the_column_map_suggests_a_close_one(tmp_path):
    path = calls_csv(tmp_path, CLEAN)
    with pytest.raises(RecordsError) as caught:
        read_call_log(path, NAMES, columns={"received": "接警时刻"})
    message = str(caught.value)
    assert "columns.received: no header '接警时刻'" in message
    assert "did you mean '接警时间'?" in message and "'处警结果'" in message
    with pytest.raises(RecordsError, match=r"columns\.when: no such field"):
        read_call_log(path, NAMES, columns={"when": "接警时间"})


def test_empty_header_only_and_all_rejected_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(RecordsError, match="the call log has no rows"):
        read_call_log(empty, NAMES)
    with pytest.raises(RecordsError, match="the call log has no rows"):
        read_call_log(calls_csv(tmp_path, []), NAMES)
    with pytest.raises(RecordsError, match="no call survived the checks: see the data report"):
        read_call_log(calls_csv(tmp_path, ["A,2025-01-02 14:22,火星村,盗窃,,,,"]), NAMES)


# ---------------------------------------------------------------------------------------------
# Places


def test_village_names_with_suffixes_and_suggestions(tmp_path):
    rows = [
        "V1,2025-01-02 10:00,李家村委会,盗窃,,,,",
        "V2,2025-01-02 11:00, 王家湾村 ,盗窃,,,,",
        "V3,2025-01-02 12:00,张庄,盗窃,,,,",
        "V4,2025-01-02 13:00,王家弯,盗窃,,,,",
        "V5,2025-01-02 14:00,火星,盗窃,,,,",
        "V6,2025-01-02 15:00,,盗窃,,,,",
    ]
    table, report = read_call_log(calls_csv(tmp_path, rows), NAMES)
    assert table["village"].tolist() == [1, 2, 0]
    got = reasons(report)
    assert got[5] == ["unknown village '王家弯'; did you mean '王家湾'?"]
    assert got[6] == ["unknown village '火星'"]
    assert got[7] == ["no village, village code or coordinates"]


def test_a_village_name_two_villages_share_is_rejected(tmp_path):
    rows = ["D1,2025-01-02 10:00,张庄村,盗窃,,,,", "D2,2025-01-02 11:00,李家村,盗窃,,,,"]
    table, report = read_call_log(calls_csv(tmp_path, rows), ["张庄村", "李家村", "张庄村"])
    assert table["village"].tolist() == [1]
    assert reasons(report) == {2: ["village name '张庄村' is shared by villages 0, 2: give codes"]}


def test_village_codes(tmp_path):
    path = write(
        tmp_path,
        [
            "接警时间,村代码,警情类别",
            "2025-01-02 10:00,130102001,盗窃",
            "2025-01-02 11:00,130102002.0,盗窃",
            "2025-01-02 12:00,999,盗窃",
        ],
    )
    codes = {"130102001": "张庄村", "130102002": "城关村"}
    table, report = read_call_log(path, NAMES, codes=codes)
    assert table["village"].tolist() == [0, 3]
    assert reasons(report) == {4: ["unknown village code '999'"]}
    with pytest.raises(RecordsError, match="no call survived"):
        read_call_log(path, NAMES)  # no codes given: every code is unknown


def test_coordinates_place_calls_at_the_nearest_village_within_max_km(tmp_path):
    xy = (np.array([0.0, 10.0, 20.0, 30.0]), np.array([0.0, 0.0, 0.0, 0.0]))
    path = write(
        tmp_path,
        [
            "接警时间,横坐标km,纵坐标km,警情类别",
            "2025-01-02 10:00,10.5,1.0,盗窃",
            "2025-01-02 11:00,20,6,盗窃",
            "2025-01-02 12:00,abc,1,盗窃",
        ],
    )
    table, report = read_call_log(path, NAMES, xy=xy)
    assert table["village"].tolist() == [1]
    got = reasons(report)
    assert got[3] == ["coordinates '20, 6' are 6.0 km from the nearest village '王家湾' (max_km 3)"]
    assert got[4] == ["bad coordinates 'abc, 1'"]
    table, _ = read_call_log(path, NAMES, xy=xy, max_km=7)
    assert table["village"].tolist() == [1, 2]
    with pytest.raises(RecordsError, match=r"no village coordinates \(xy\) were given"):
        read_call_log(path, NAMES)


# ---------------------------------------------------------------------------------------------
# Times in order, duplicates, categories, outcomes


def test_rows_out_of_time_order_in_the_file_are_sorted_without_issues(tmp_path):
    rows = [f"T{k},2025-01-0{9 - k} 10:00,张庄村,盗窃,,,," for k in range(5)]
    table, report = read_call_log(calls_csv(tmp_path, rows), NAMES)
    assert table["call_id"].tolist() == ["T4", "T3", "T2", "T1", "T0"]
    assert table["row"].tolist() == [6, 5, 4, 3, 2]
    assert table["received"].is_monotonic_increasing and report.issues == []


def test_times_out_of_order_are_repaired_and_the_calls_kept(tmp_path):
    r = "2025-01-02 10:00"
    rows = [
        f"O1,{r},张庄村,盗窃,2025-01-02 09:50,,,",  # dispatched before received
        f"O2,{r},张庄村,盗窃,,2025-01-02 09:00,,",  # arrival before receipt
        f"O3,{r},张庄村,盗窃,2025-01-02 10:30,2025-01-02 10:20,,",  # before dispatch
        f"O4,{r},张庄村,盗窃,,2025-01-02 10:20,2025-01-02 10:10,",  # closed before arrival
        f"O5,{r},张庄村,盗窃,,2025-01-03 10:01,,",  # arrival more than 24 h on
        f"O6,{r},张庄村,盗窃,,,2025-01-02 09:00,",  # closed before receipt
    ]
    table, report = read_call_log(calls_csv(tmp_path, rows), NAMES)
    assert len(table) == 6 and report.rejected() == 0 and report.repaired() == 6
    assert reasons(report) == {
        2: ["dispatched before received"],
        3: ["arrival before receipt"],
        4: ["arrival before dispatch"],
        5: ["closed before arrival"],
        6: ["arrival more than 24 h after receipt"],
        7: ["closed before receipt"],
    }
    by_id = table.set_index("call_id")
    assert pd.isna(by_id.loc["O1", "dispatched"])
    assert pd.isna(by_id.loc["O3", "arrived"]) and not pd.isna(by_id.loc["O3", "dispatched"])
    assert pd.isna(by_id.loc["O4", "closed"]) and not pd.isna(by_id.loc["O4", "arrived"])
    issue = report.issues[0]
    assert issue == RecordIssue(
        "calls.csv",
        2,
        "dispatched",
        "2025-01-02 09:50:00",
        "dispatched before received",
        "repaired",
    )


def test_records_period_and_the_future(tmp_path):
    rows = [
        "P1,2024-12-31 23:59,张庄村,盗窃,,,,",
        "P2,2025-01-01 00:00,张庄村,盗窃,,,,",
        "P3,2025-12-31 23:59,张庄村,盗窃,,,,",
        "P4,2026-01-01 00:00,张庄村,盗窃,,,,",
        f"P5,{datetime.now() + timedelta(days=2):%Y-%m-%d %H:%M},张庄村,盗窃,,,,",
    ]
    path = calls_csv(tmp_path, rows)
    table, report = read_call_log(
        path, NAMES, start=datetime(2025, 1, 1), end=datetime(2025, 12, 31).date()
    )
    assert table["call_id"].tolist() == ["P2", "P3"]
    got = reasons(report)
    assert got[2] == got[5] == ["received outside the records period"]
    assert got[6] == ["received outside the records period"]
    table, report = read_call_log(path, NAMES)
    assert reasons(report) == {6: ["received in the future"]}


def test_duplicates_by_call_id_and_by_time_village_and_category(tmp_path):
    rows = [
        "D1,2025-01-02 10:00,张庄村,盗窃,,,,",
        "D1,2025-01-02 11:00,李家村,盗窃,,,,",
        "D2,2025-01-02 10:00,张庄村,盗窃,,,,",  # same time, other id: not a duplicate
    ]
    table, report = read_call_log(calls_csv(tmp_path, rows), NAMES)
    assert table["call_id"].tolist() == ["D1", "D2"]
    assert reasons(report) == {3: ["duplicate of row 2"]}
    path = write(
        tmp_path,
        [
            "接警时间,村名,警情类别",
            "2025-01-02 10:00,张庄村,入室盗窃",
            "2025-01-02 10:00,张庄村,盗窃",  # same type: a duplicate
            "2025-01-02 10:00,张庄村,群众求助",
            "2025-01-02 10:00,李家村,盗窃",
        ],
        name="noid.csv",
    )
    table, report = read_call_log(path, NAMES)
    assert table["row"].tolist() == [2, 4, 5] and (table["call_id"] == "").all()
    assert reasons(report) == {3: ["duplicate of row 2"]} and balanced(report)


def test_unknown_categories_are_rejected_and_counted(tmp_path):
    rows = [
        "C1,2025-01-02 10:00,张庄村,诈骗,,,,",
        "C2,2025-01-02 11:00,张庄村,诈骗,,,,",
        "C3,2025-01-02 12:00,张庄村,噪音扰民,,,,",
        "C4,2025-01-02 13:00,张庄村,刑事警情/侵财类/入室盗窃,,,,",
        "C5,2025-01-02 14:00,张庄村,Dispute,,,,",
    ]
    table, report = read_call_log(calls_csv(tmp_path, rows), NAMES)
    assert table["category"].tolist() == ["property", "dispute"]
    assert reasons(report)[2] == ["unknown category '诈骗' (map it under categories:)"]
    note = next(n for n in report.notes if n.startswith("unknown categories"))
    assert "诈骗 (2), 噪音扰民 (1)" in note


def test_user_categories_add_and_override(tmp_path):
    rows = ["C1,2025-01-02 10:00,张庄村,诈骗,,,,", "C2,2025-01-02 11:00,张庄村,民间纠纷,,,,"]
    path = calls_csv(tmp_path, rows)
    table, report = read_call_log(
        path, NAMES, categories={"诈骗": "property", "民间纠纷": "service"}
    )
    assert table["category"].tolist() == ["property", "service"] and report.issues == []
    with pytest.raises(RecordsError, match="categories: '诈骗' -> 'fraud' is not an incident"):
        read_call_log(path, NAMES, categories={"诈骗": "fraud"})


def test_outcomes_mapped_and_unknown_ones_repaired(tmp_path):
    rows = [
        "U1,2025-01-02 10:00,张庄村,民间纠纷,,,,已自行和解",
        "U2,2025-01-02 11:00,张庄村,民间纠纷,,,,不知道",
        "U3,2025-01-02 12:00,张庄村,群众求助,,,,advised",
        "U4,2025-01-02 13:00,张庄村,群众求助,,,,",
    ]
    table, report = read_call_log(calls_csv(tmp_path, rows), NAMES)
    assert table["outcome"].tolist() == ["dispute_resolved", "", "advised", ""]
    assert report.issues == [
        RecordIssue("calls.csv", 3, "outcome", "不知道", "unknown outcome '不知道'", "repaired")
    ]


def test_vocabularies_hold_the_names_the_synthetic_log_uses():
    assert {k: CATEGORY_NAMES[k] for k in ("入室盗窃", "殴打伤害", "民间纠纷", "群众求助")} == {
        "入室盗窃": "property",
        "殴打伤害": "violent",
        "民间纠纷": "dispute",
        "群众求助": "service",
    }
    assert OUTCOME_NAMES["已转刑事"] == "dispute_escalated"
    assert OUTCOME_NAMES["电话答复"] == "advised"
    assert set(CATEGORY_NAMES.values()) == {"property", "violent", "dispute", "service"}


# ---------------------------------------------------------------------------------------------
# The report


def messy_rows() -> list[str]:
    rows = [f"G{k},2025-01-0{1 + k % 9} 10:{k % 60:02d},张庄村,盗窃,,,," for k in range(40)]
    rows += [
        "G1,2025-01-02 10:00,张庄村,盗窃,,,,",  # duplicate id
        "X1,2025-01-02 10:00,火星村,盗窃,,,,",
        "X2,2025-01-02 10:00,张庄村,诈骗,,,,",
        "X3,garbage,张庄村,盗窃,,,,",
        "X4,2025-01-02 10:00,张庄村,盗窃,2025-01-02 09:00,,,",
        "X5,2025-01-02 10:00,张庄村,盗窃,,2025-01-02 09:00,,",
        "X6,2025-01-02 10:00,张庄村,盗窃,,,,胡说",
        "X7,2025-01-02 10:00,张庄村,盗窃,,,,,extra",
    ]
    rows += [f"Z{k},2025-01-02 10:00,无名村{k},盗窃,,,," for k in range(50)]
    return rows


def test_every_row_read_is_kept_or_rejected(tmp_path):
    table, report = read_call_log(calls_csv(tmp_path, messy_rows()), NAMES)
    assert report.rows_read == 98
    assert report.rows_kept == len(table) == 43
    assert report.rejected() == 55 and balanced(report)
    assert report.repaired() == 3
    frame = report.to_frame()
    assert list(frame.columns) == ["file", "row", "field", "value", "reason", "action"]
    assert len(frame) == 58 and frame["row"].is_monotonic_increasing
    assert set(frame["action"]) == {"rejected", "repaired"}
    kept_rows = set(table["row"])
    rejected_rows = set(frame.loc[frame["action"] == "rejected", "row"])
    assert not kept_rows & rejected_rows
    assert len(kept_rows | rejected_rows) == report.rows_read


def test_the_markdown_report_names_every_reason(tmp_path):
    _, report = read_call_log(calls_csv(tmp_path, messy_rows()), NAMES)
    text = report.markdown()
    for kind in [
        "duplicate of row N",
        "unknown village '…'",
        "unknown category '…' (map it under categories:)",
        "bad received time '…'",
        "dispatched before received",
        "arrival before receipt",
        "unknown outcome '…'",
        "row has 9 cells, the header 8",
    ]:
        assert f"| {kind} |" in text, kind
    assert "98 rows read, 43 kept, 55 rejected, 3 values repaired" in text
    assert "8 more issues are listed in data_report.csv" in text
    assert text.count("\n| ") == 1 + 8 + 1 + 50  # two tables: 8 reasons, 50 issues
    assert "- encodings: utf-8" in text


def test_an_empty_report_renders(tmp_path):
    assert "0 rows read" in DataReport(file="x.csv").markdown()
    assert DataReport(file="x.csv").to_frame().empty


# ---------------------------------------------------------------------------------------------
# Nothing but RecordsError


def test_malformed_files_raise_records_error_or_read_with_issues(tmp_path):
    bad_xlsx = tmp_path / "bad.xlsx"
    bad_xlsx.write_bytes(b"PK\x03\x04 not really a zip")
    renamed = tmp_path / "renamed.csv"
    renamed.write_bytes(xlsx(tmp_path, [["a"]], name="real.xlsx").read_bytes())
    cases = {
        "garbage.csv": bytes(range(256)) * 20,
        "nul.csv": (HEADER + "\n" + CLEAN[0]).encode() + b"\x00\x00\n",
        "quote.csv": (HEADER + '\nA1,"2025-01-02 10:00,张庄村,盗窃\n').encode(),
        "huge.csv": (HEADER + "\nA1," + "x" * 200_000 + ",张庄村,盗窃\n").encode(),
        "commas.csv": b",,,,\n,,,\n",
        "bom_only.csv": b"\xef\xbb\xbf",
        "one_column.csv": "接警时间\n2025-01-02 10:00\n".encode(),
        "header_dupes.csv": "村名,村名,接警时间,警情类别\n张庄村,李家村,2025-01-02,盗窃\n".encode(),
        "old.xls": b"\xd0\xcf\x11\xe0",
        "notes.docx": b"x",
    }
    paths = [tmp_path / "missing.csv", tmp_path, bad_xlsx, renamed]
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    outcomes = {}
    for path in paths:
        try:
            _, report = read_call_log(path, NAMES)
        except RecordsError as e:
            assert str(e) and all(p.key == "records.calls" for p in e.problems)
            outcomes[path.name] = "error"
        else:
            assert balanced(report)
            outcomes[path.name] = "read"
    assert outcomes["nul.csv"] == "read"
    assert set(outcomes.values()) >= {"error"}
    for path in paths:
        try:
            read_panel(path, ["城关村"])
        except RecordsError as e:
            assert all(p.key == "records.panel" for p in e.problems)


# ---------------------------------------------------------------------------------------------
# The township panel

STATIONS = ["城关村", "河口村", "石门村"]
PANEL_HEADER = ",".join(PANEL_HEADERS.values())


def test_township_key():
    assert township_key("城关村", STATIONS) == 0
    assert township_key("河口派出所", STATIONS) == 1
    assert township_key("石门镇派出所", STATIONS) == 2
    assert township_key("城关镇", STATIONS) == 0
    assert township_key("2", STATIONS) == 2
    assert township_key("T1", STATIONS) == 0
    assert township_key("T3", STATIONS) == 2
    for missing in ("3", "T0", "T4", "火星镇", "", "-1"):
        assert township_key(missing, STATIONS) is None, missing
    twins = ["石门村", "石门镇"]  # the same short name: only the whole name tells them apart
    assert township_key("石门镇派出所", twins) == 1 and township_key("石门村派出所", twins) == 0
    assert township_key("石门派出所", twins) is None


def test_panel_with_chinese_headers(tmp_path):
    lines = [
        PANEL_HEADER,
        "2025-03,城关派出所,3,1,12,0,8,20,驻村民警",
        "2025/3,1,2,0,5,1,6,15,",
        "2025年3月,T3,0,,4,0,5,10,巡逻",
        "202504,城关村,-2,1,x,0,8,20,驻村民警",
        "2025-04,火星派出所,1,1,1,1,1,1,",
        "2025-04-01,城关镇,1,1,1,1,1,1,",
        "2025-13,河口,1,1,1,1,1,1,",
    ]
    table, report = read_panel(write(tmp_path, lines, name="panel.csv"), STATIONS)
    assert table.columns.tolist() == [
        "row",
        "month",
        "township",
        *("property_cases", "violent_cases", "mediated_disputes", "escalations"),
        *("officers", "auxiliaries", "model"),
    ]
    assert table["month"].dtype == "datetime64[ns]" and table["township"].dtype == "int64"
    assert table[["row", "township"]].values.tolist() == [[2, 0], [3, 1], [4, 2], [5, 0]]
    assert table["month"].tolist() == [pd.Timestamp("2025-03-01")] * 3 + [
        pd.Timestamp("2025-04-01")
    ]
    assert table["property_cases"].tolist()[:3] == [3.0, 2.0, 0.0]
    assert np.isnan(table["violent_cases"].iloc[2]) and np.isnan(table["property_cases"].iloc[3])
    assert table["model"].tolist() == ["驻村民警", "", "巡逻", "驻村民警"]
    assert reasons(report) == {
        5: ["negative property_cases '-2'", "bad mediated_disputes 'x'"],
        6: ["unknown township '火星派出所'"],
        7: ["duplicate of row 5"],
        8: ["bad month '2025-13'"],
    }
    assert report.rows_read == 7 and report.rows_kept == 4 and balanced(report)
    assert report.to_frame()["action"].tolist() == ["repaired"] * 2 + ["rejected"] * 3


def test_panel_from_xlsx_with_dates_serials_and_a_column_map(tmp_path):
    path = xlsx(
        tmp_path,
        [
            ["月", "所", "盗窃案件"],
            [datetime(2025, 3, 1), "城关", 4],
            [45748.0, "河口", 2],  # 2025-04-01 as a serial
            [202505, 0, 1],
        ],
        name="panel.xlsx",
    )
    table, report = read_panel(
        path, STATIONS, columns=PanelColumns(month="月", township="所"), end=datetime(2025, 4, 30)
    )
    assert table["month"].tolist() == [pd.Timestamp("2025-03-01"), pd.Timestamp("2025-04-01")]
    assert table["township"].tolist() == [0, 1] and table["property_cases"].tolist() == [4.0, 2.0]
    assert np.isnan(table["officers"]).all() and (table["model"] == "").all()
    assert reasons(report) == {4: ["month outside the records period"]}


def test_panel_needs_month_township_and_a_count(tmp_path):
    path = write(tmp_path, ["月份,警务模式", "2025-03,巡逻"], name="panel.csv")
    with pytest.raises(RecordsError) as caught:
        read_panel(path, STATIONS)
    message = str(caught.value)
    assert "panel.csv: records.panel: no township column" in message
    assert "no count column" in message and len(caught.value.problems) == 2


def test_panel_gbk(tmp_path):
    lines = [PANEL_HEADER, "2025-03,城关派出所,3,1,12,0,8,20,驻村民警"]
    table, report = read_panel(write(tmp_path, lines, encoding="gbk", name="p.csv"), STATIONS)
    assert table["model"].tolist() == ["驻村民警"] and report.issues == []
