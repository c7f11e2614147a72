"""A county's police records, read for calibration: the 110 call log (one row per call) and
an optional township × month panel of aggregates, as exported (CSV or .xlsx, Chinese
headers, UTF-8 or GBK), into a normalised table and a data report.

The normalised call table has one row per kept call, sorted by receipt:

- ``row``: the call's line in the source (header = 1, first data row = 2);
- ``call_id``: the bureau's number for the call ("" if the file has none);
- ``received``, ``dispatched``, ``arrived``, ``closed``: naive local times (NaT if absent);
- ``village``: index into the county's village names; ``category``: an incident type
  (property, violent, dispute, service); ``outcome``: an rpsim outcome ("" if absent).

Every row read is kept or rejected, and every rejection and repair is listed in the
:class:`DataReport` with its reason; files that cannot be read at all raise
:class:`RecordsError`, one line per problem. Usage::

    calls, report = read_call_log("110.csv", region.names)
    print(report.markdown())
    report.to_frame().to_csv("data_report.csv", index=False)
"""

from __future__ import annotations

import csv
import difflib
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import Problem, ScenarioError
from ..vocab import INCIDENT_TYPES, IncidentType, Outcome

# ---------------------------------------------------------------------------------------------
# Vocabulary: headers and their aliases, categories, outcomes

CALL_HEADERS: dict[str, str] = {
    "call_id": "警情编号",
    "received": "接警时间",
    "village": "村名",
    "village_code": "村代码",
    "x_km": "横坐标km",
    "y_km": "纵坐标km",
    "category": "警情类别",
    "dispatched": "派警时间",
    "arrived": "到达现场时间",
    "closed": "处警结束时间",
    "outcome": "处警结果",
}
"""The canonical Chinese header of each field of the call log."""

CALL_ALIASES: dict[str, tuple[str, ...]] = {
    "call_id": ("警情编号", "接警编号", "编号", "call_id", "id"),
    "received": ("接警时间", "报警时间", "受理时间", "received", "received_at", "time"),
    "village": ("村名", "村", "所属村", "发案村", "行政村", "village"),
    "village_code": ("村代码", "村编码", "行政区划代码", "village_code"),
    "x_km": ("横坐标km", "横坐标", "x_km", "x"),
    "y_km": ("纵坐标km", "纵坐标", "y_km", "y"),
    "category": ("警情类别", "警情类型", "类别", "category", "type"),
    "dispatched": ("派警时间", "派单时间", "出警时间", "dispatched"),
    "arrived": ("到达现场时间", "到场时间", "到达时间", "arrived"),
    "closed": ("处警结束时间", "结束时间", "办结时间", "closed"),
    "outcome": ("处警结果", "处理结果", "结果", "outcome"),
}
"""Headers tried for each call field, in order, when the user names none."""

PANEL_HEADERS: dict[str, str] = {
    "month": "月份",
    "township": "派出所",
    "property_cases": "盗窃立案",
    "violent_cases": "暴力立案",
    "mediated_disputes": "调解纠纷",
    "escalations": "民转刑",
    "officers": "民警",
    "auxiliaries": "辅警",
    "model": "警务模式",
}
"""The canonical Chinese header of each field of the township × month panel."""

PANEL_ALIASES: dict[str, tuple[str, ...]] = {
    "month": ("月份", "month"),
    "township": ("派出所", "乡镇", "township"),
    "property_cases": ("盗窃立案", "盗窃案件", "property_cases"),
    "violent_cases": ("暴力立案", "暴力案件", "violent_cases"),
    "mediated_disputes": ("调解纠纷", "调解纠纷数", "mediated_disputes"),
    "escalations": ("民转刑", "民转刑案件", "escalations"),
    "officers": ("民警", "民警数", "officers"),
    "auxiliaries": ("辅警", "辅警数", "auxiliaries"),
    "model": ("警务模式", "model"),
}
"""Headers tried for each panel field, in order, when the user names none."""

PANEL_COUNTS = (
    "property_cases",
    "violent_cases",
    "mediated_disputes",
    "escalations",
    "officers",
    "auxiliaries",
)
"""The panel's numeric columns; a panel needs at least one."""

_P, _V, _D, _S = (t.value for t in IncidentType)
CATEGORY_NAMES: dict[str, str] = {
    # property: burglary and theft
    "入室盗窃": _P,
    "盗窃": _P,
    "盗窃案": _P,
    "盗窃案件": _P,
    "入户盗窃": _P,
    "偷盗": _P,
    # violent: robbery and assault
    "殴打伤害": _V,
    "抢劫": _V,
    "抢夺": _V,
    "故意伤害": _V,
    "打架斗殴": _V,
    "殴打他人": _V,
    "伤害": _V,
    # disputes (纠纷)
    "民间纠纷": _D,
    "纠纷": _D,
    "邻里纠纷": _D,
    "家庭纠纷": _D,
    "土地纠纷": _D,
    "婚姻家庭纠纷": _D,
    "债务纠纷": _D,
    # other calls for service
    "群众求助": _S,
    "求助": _S,
    "交通事故": _S,
    "火警": _S,
    "其他": _S,
    "其它": _S,
    **{t: t for t in INCIDENT_TYPES},
}
"""Call categories as exported -> rpsim incident type; extend with ``categories=``."""

OUTCOME_NAMES: dict[str, str] = {
    "抓获嫌疑人": Outcome.ARREST.value,
    "刑事拘留": Outcome.ARREST.value,
    "未抓获": Outcome.NO_ARREST.value,
    "现场调解": Outcome.MEDIATED.value,
    "调解成功": Outcome.MEDIATED.value,
    "调解未成": Outcome.MEDIATION_FAILED.value,
    "调解不成": Outcome.MEDIATION_FAILED.value,
    "已调解": Outcome.DISPUTE_MEDIATED.value,
    "已自行和解": Outcome.DISPUTE_RESOLVED.value,
    "已转刑事": Outcome.DISPUTE_ESCALATED.value,
    "现场帮助": Outcome.ASSISTED.value,
    "救助": Outcome.ASSISTED.value,
    "电话答复": Outcome.ADVISED.value,
    "电话告知": Outcome.ADVISED.value,
    **{o.value: o.value for o in Outcome if o.value},
}
"""How a call ended, as exported -> rpsim outcome (an empty cell is "")."""

VILLAGE_SUFFIXES = ("村民委员会", "村委会", "村")
TOWNSHIP_SUFFIXES = ("派出所", "街道", "镇", "乡")
CATEGORY_SEPARATORS = re.compile(r"\s*[/／\\>＞\-－—·|｜]+\s*")
"""Exports often give a category path (刑事警情/盗窃/入室盗窃): its last known part counts."""

CALLS_KEY = "records.calls"
PANEL_KEY = "records.panel"
SUFFIXES = (".csv", ".txt", ".xlsx")
HEADER_SEARCH = 10  # lines above the header (a title, a date range) are skipped, up to this
ISSUES_SHOWN = 50  # issues listed in the markdown report; the rest are in data_report.csv
EXCEL_EPOCH = datetime(1899, 12, 30)
CHINA_UTC_OFFSET = timedelta(hours=8)
MIDNIGHT_SLACK = timedelta(hours=1)  # a time of day this far before receipt is the next day
MAX_ARRIVAL = timedelta(hours=24)

# ---------------------------------------------------------------------------------------------
# Errors and the data report


class RecordsError(ScenarioError):
    """Police records that cannot be read: each problem names the file and the reason."""


@dataclass
class RecordIssue:
    """One row rejected or one value repaired, and why."""

    file: str
    row: int
    field: str
    value: str
    reason: str
    action: Literal["rejected", "repaired"]


@dataclass
class DataReport:
    """What became of each row of a records file: kept, rejected (with the reason) or kept
    with values repaired. ``counted`` holds repairs too common to list one by one (Excel serial
    dates, times of day without a date): they are counted, and described in ``notes``."""

    file: str
    rows_read: int = 0
    rows_kept: int = 0
    issues: list[RecordIssue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counted: dict[str, int] = field(default_factory=dict)

    def rejected(self) -> int:
        """Rows rejected (one issue each)."""
        return sum(i.action == "rejected" for i in self.issues)

    def repaired(self) -> int:
        """Values repaired: those listed as issues plus those counted in bulk."""
        return sum(i.action == "repaired" for i in self.issues) + sum(self.counted.values())

    def to_frame(self) -> pd.DataFrame:
        """One row per issue: file, row, field, value, reason, action."""
        columns = ["file", "row", "field", "value", "reason", "action"]
        frame = pd.DataFrame([asdict(i) for i in self.issues], columns=columns)
        return frame.astype({"row": "int64"})

    def markdown(self) -> str:
        """A short summary: counts, reasons, notes and the first issues."""
        listed = sum(i.action == "repaired" for i in self.issues)
        bulk = sum(self.counted.values())
        lines = [
            f"**Data report for `{self.file}`**: {self.rows_read:,} rows read, "
            f"{self.rows_kept:,} kept, {self.rejected():,} rejected, "
            f"{self.repaired():,} values repaired"
            + (f" ({listed:,} listed, {bulk:,} counted in the notes)." if bulk else "."),
        ]
        if self.issues:
            kinds = Counter((reason_kind(i.reason), i.action) for i in self.issues)
            lines += ["", "| reason | action | rows |", "|---|---|---:|"]
            lines += [f"| {_cell(k)} | {a} | {n:,} |" for (k, a), n in kinds.most_common()]
        if self.notes:
            lines += ["", "Notes:", ""] + [f"- {note}" for note in self.notes]
        if self.issues:
            lines += ["", "| row | field | value | reason | action |", "|---:|---|---|---|---|"]
            lines += [
                f"| {i.row} | {i.field} | {_cell(i.value)} | {_cell(i.reason)} | {i.action} |"
                for i in self.issues[:ISSUES_SHOWN]
            ]
            more = len(self.issues) - ISSUES_SHOWN
            if more > 0:
                lines += ["", f"{more:,} more issues are listed in data_report.csv."]
        return "\n".join(lines) + "\n"


def reason_kind(reason: str) -> str:
    """A reason without its particulars (quoted values, row numbers, suggestions): issues of
    one kind are counted together."""
    kind = reason.split(";")[0]
    kind = re.sub(r"'[^']*'", "'…'", kind)
    return re.sub(r"\brow \d+", "row N", kind).strip()


def _cell(text: str) -> str:
    """Text safe in a markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ").replace("\r", " ")


class _RowError(Exception):
    """A row is rejected: the field, its value and why."""

    def __init__(self, field: str, value: str, reason: str) -> None:
        super().__init__(reason)
        self.field, self.value, self.reason = field, value, reason


def _error(file: str, key: str, reasons: str | list[str]) -> RecordsError:
    reasons = [reasons] if isinstance(reasons, str) else reasons
    return RecordsError([Problem(key=key, reason=r, file=file) for r in reasons])


# ---------------------------------------------------------------------------------------------
# Reading a file into header and rows (CSV in any mix of UTF-8 and GBK, or .xlsx)


@dataclass
class _Sheet:
    """A file's header and data rows as read, before any checks."""

    file: str
    header: list[str]
    rows: list[tuple[int, list[Any]]]  # (line number, cells)
    bad_lines: set[int]  # lines that decoded in no encoding
    notes: list[str]


def _read_sheet(
    path: str | Path, key: str, aliases: Mapping[str, tuple[str, ...]], sheet: str | None
) -> _Sheet:
    """The file's header row and data rows; RecordsError if it cannot be read. `aliases`
    (with the user's headers) tell the header from title lines above it."""
    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    if not path.exists():
        raise _error(name, key, f"no such file: {path}")
    if path.is_dir():
        raise _error(name, key, f"{path} is a folder, not a file")
    if suffix == ".xls":
        raise _error(name, key, "cannot read old Excel '.xls' files; save it as .xlsx or .csv")
    if suffix not in SUFFIXES:
        raise _error(name, key, f"cannot read '{suffix}' files; use .csv, .txt or .xlsx")
    try:
        if suffix == ".xlsx":
            lines, notes = _xlsx_lines(path, sheet, key)
            bad: set[int] = set()
        else:
            lines, bad, notes = _csv_lines(path.read_bytes(), name, key)
    except RecordsError:
        raise
    except Exception as e:  # a damaged file of any kind: one line, no traceback
        raise _error(name, key, f"cannot read the file: {type(e).__name__}: {e}") from None
    return _split_header(name, key, lines, bad, notes, aliases)


def _xlsx_lines(
    path: Path, sheet: str | None, key: str
) -> tuple[list[tuple[int, list[Any]]], list[str]]:
    """The rows of the first sheet (or `sheet`), numbered as Excel numbers them."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:
        reason = f"cannot read as an Excel .xlsx file ({type(e).__name__}: {e})"
        raise _error(path.name, key, reason) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            sheets = ", ".join(repr(s) for s in book.sheetnames)
            raise _error(path.name, key, f"no sheet named {sheet!r}; the sheets are {sheets}")
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        ws.reset_dimensions()  # some exporters declare a wrong used range: read every cell
        lines = [(n, list(values)) for n, values in enumerate(ws.iter_rows(values_only=True), 1)]
        return lines, [f"sheet: {ws.title!r}"]
    finally:
        book.close()


def _csv_lines(
    data: bytes, name: str, key: str
) -> tuple[list[tuple[int, list[Any]]], set[int], list[str]]:
    """The CSV's records, each with its first line's number, and the records holding a line
    that would not decode. Lines are decoded one by one (UTF-8, else GB18030): a log pasted
    together from two exports reads whole."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _error(name, key, "the file is UTF-16; save it as UTF-8 or GBK")
    if data.startswith(b"PK\x03\x04"):
        raise _error(name, key, "the file is an Excel workbook; name it .xlsx")
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    raw_lines = data.splitlines(keepends=True)
    text: list[str] = []
    counts: Counter[str] = Counter()
    bad: set[int] = set()
    for n, raw in enumerate(raw_lines, 1):
        line, encoding = _decode(raw)
        counts[encoding] += 1
        if encoding == "undecodable":
            bad.add(n)
        text.append(line)
    notes = [_encoding_note(counts, bom)]
    delimiter = _delimiter(next((t for t in text if t.strip()), ""))
    reader = csv.reader(iter(text), delimiter=delimiter)
    records: list[tuple[int, list[Any]]] = []
    bad_records: set[int] = set()
    start = 1
    try:
        for cells in reader:
            records.append((start, list(cells)))
            if bad and any(n in bad for n in range(start, reader.line_num + 1)):
                bad_records.add(start)
            start = reader.line_num + 1
    except csv.Error as e:
        raise _error(name, key, f"line {start}: not readable as CSV: {e}") from None
    return records, bad_records, notes


def _decode(raw: bytes) -> tuple[str, str]:
    """A line's text and its encoding: ascii, utf-8, gb18030 or undecodable."""
    if raw.isascii():
        return raw.decode("ascii"), "ascii"
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            pass
    return raw.decode("gb18030", errors="replace"), "undecodable"


def _encoding_note(counts: Counter[str], bom: bool) -> str:
    names = {"utf-8": "utf-8 with BOM" if bom else "utf-8", "gb18030": "gb18030 (GBK)"}
    parts = [f"{names[e]} ({counts[e]:,} lines)" for e in ("utf-8", "gb18030") if counts[e]]
    if counts["ascii"]:
        parts.append(f"plain ASCII ({counts['ascii']:,} lines)")
    if counts["undecodable"]:
        parts.append(f"undecodable ({counts['undecodable']:,} lines)")
    return "encodings: " + (", ".join(parts) or "none (empty file)")


def _delimiter(first_line: str) -> str:
    """Comma, unless the first line has more tabs (or semicolons) than commas."""
    return max((",", "\t", ";"), key=first_line.count)


def _split_header(
    name: str,
    key: str,
    lines: list[tuple[int, list[Any]]],
    bad: set[int],
    notes: list[str],
    aliases: Mapping[str, tuple[str, ...]],
) -> _Sheet:
    """The header (the first line naming two known columns, else the first non-blank line)
    and the data rows after it; blank rows are skipped and counted."""
    filled = [(n, cells) for n, cells in lines if any(_text(c) for c in cells)]
    what = "call log" if key == CALLS_KEY else "panel"
    if not filled:
        why = "the file is empty" if not lines else "no line has a value"
        raise _error(name, key, f"the {what} has no rows ({why})")
    known = {_norm(a) for names in aliases.values() for a in names}
    at = 0
    for i, (_, cells) in enumerate(filled[:HEADER_SEARCH]):
        if sum(_norm(_text(c)) in known for c in cells) >= 2:
            at = i
            break
    header_line, header_cells = filled[at]
    header = [_norm_header(_text(c)) for c in header_cells]
    while header and not header[-1]:
        header.pop()
    if at:
        notes.append(f"skipped {at} line(s) above the header (line {header_line})")
    blank = sum(1 for n, c in lines if n > header_line and not any(_text(x) for x in c))
    if blank:
        notes.append(f"skipped {blank:,} blank line(s)")
    if header_line in bad:
        raise _error(name, key, f"line {header_line}: the header has undecodable bytes")
    rows = filled[at + 1 :]
    if not rows:
        raise _error(name, key, f"the {what} has no rows (only a header, line {header_line})")
    bad_rows = {n for n in bad if n > header_line}
    return _Sheet(name, header, rows, bad_rows, notes)


# ---------------------------------------------------------------------------------------------
# Finding the columns


class CallColumns(BaseModel):
    """The header in your call log of each field, where it differs from the usual ones."""

    model_config = ConfigDict(extra="forbid")

    call_id: str | None = None
    received: str | None = None
    village: str | None = None
    village_code: str | None = None
    x_km: str | None = None
    y_km: str | None = None
    category: str | None = None
    dispatched: str | None = None
    arrived: str | None = None
    closed: str | None = None
    outcome: str | None = None


class PanelColumns(BaseModel):
    """The header in your township panel of each field, where it differs from the usual."""

    model_config = ConfigDict(extra="forbid")

    month: str | None = None
    township: str | None = None
    property_cases: str | None = None
    violent_cases: str | None = None
    mediated_disputes: str | None = None
    escalations: str | None = None
    officers: str | None = None
    auxiliaries: str | None = None
    model: str | None = None


def _norm_header(text: str) -> str:
    return text.replace("\ufeff", "").strip()


def _norm(text: str) -> str:
    """A header as compared: no BOM, no spaces, English in lower case."""
    return re.sub(r"\s+", "", _norm_header(text)).casefold()


def _column_map(
    columns: BaseModel | Mapping[str, Any] | None, model: type[BaseModel], file: str, key: str
) -> dict[str, str]:
    """The user's explicit headers by field; RecordsError for an unknown field."""
    if columns is None:
        return {}
    if not isinstance(columns, BaseModel):
        try:
            columns = model.model_validate(dict(columns))
        except (ValidationError, TypeError, ValueError) as e:
            raise _error(file, key, _validation_reasons(e, model)) from None
    return {f: v for f, v in columns.model_dump().items() if v is not None}


def _validation_reasons(e: Exception, model: type[BaseModel]) -> list[str]:
    if not isinstance(e, ValidationError):
        return [f"columns: {e}"]
    fields = ", ".join(model.model_fields)
    reasons = []
    for err in e.errors():
        where = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            reasons.append(f"columns.{where}: no such field; the fields are {fields}")
        else:
            reasons.append(f"columns.{where}: {err['msg']}")
    return reasons


def _with_explicit(
    aliases: Mapping[str, tuple[str, ...]], explicit: dict[str, str]
) -> dict[str, tuple[str, ...]]:
    """The aliases with the user's headers first."""
    return {f: ((explicit[f],) if f in explicit else ()) + names for f, names in aliases.items()}


def _find_columns(
    sheet: _Sheet,
    key: str,
    aliases: Mapping[str, tuple[str, ...]],
    explicit: dict[str, str],
) -> dict[str, int]:
    """Field -> column index: the user's header where given (it must exist), else the first
    alias present. Records which header each field came from in the notes."""
    index: dict[str, int] = {}
    for i, h in enumerate(sheet.header):
        if h:
            index.setdefault(_norm(h), i)
    found: dict[str, int] = {}
    problems: list[str] = []
    headers = _headers(sheet)
    for fld, name in explicit.items():
        if _norm(name) in index:
            found[fld] = index[_norm(name)]
            continue
        close = difflib.get_close_matches(name.strip(), [h for h in sheet.header if h], n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        problems.append(
            f"columns.{fld}: no header {name!r} in the file{hint} (the headers: {headers})"
        )
    if problems:
        raise _error(sheet.file, key, problems)
    claimed = set(found.values())
    for fld, names in aliases.items():
        if fld in found:
            continue
        for alias in names:
            i = index.get(_norm(alias), -1)
            if i >= 0 and i not in claimed:
                found[fld] = i
                claimed.add(i)
                break
    used = "; ".join(f"{f} ← {sheet.header[i]!r}" for f, i in found.items())
    absent = ", ".join(f for f in aliases if f not in found)
    sheet.notes.append(f"columns: {used}" + (f"; not in the file: {absent}" if absent else ""))
    return found


def _missing(fld: str, aliases: Mapping[str, tuple[str, ...]], sheet: _Sheet) -> str:
    tried = ", ".join(aliases[fld])
    return f"no {fld} column (looked for {tried}); the headers found: {_headers(sheet)}"


def _headers(sheet: _Sheet, most: int = 30) -> str:
    """The file's headers for a message: quoted, each and their number cut short."""
    shown = [repr(h if len(h) <= 30 else h[:30] + "…") for h in sheet.header if h]
    more = f" and {len(shown) - most} more" if len(shown) > most else ""
    return (", ".join(shown[:most]) or "none") + more


# ---------------------------------------------------------------------------------------------
# Reading values


def _text(value: Any) -> str:
    """A cell as text: "" if empty; whole numbers without '.0'; Excel's ="…" and '… unwrapped."""
    if isinstance(value, str):
        text = value.strip()
        if text and (text[0] in "='\ufeff" or "\x00" in text):
            return _unwrap(text)
        return text
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return _unwrap(str(value))


def _unwrap(text: str) -> str:
    """Text without BOMs and NULs, and without the ="…" or leading ' that keep Excel from
    reading a number."""
    text = text.replace("\ufeff", "").replace("\x00", "").strip()
    if len(text) >= 3 and text.startswith('="') and text.endswith('"'):
        return text[2:-1].strip()
    if text.startswith("'"):
        return text[1:].strip()
    return text


_STAMP = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
    r"(?:\s*T?\s*(\d{1,2})\s*[:：时点]\s*(\d{1,2})\s*"
    r"(?:[:：分]\s*(?:(\d{1,2})(?:\.(\d+))?\s*秒?)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$")
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
_CLOCK = re.compile(r"^(\d{1,2})\s*[:：时点]\s*(\d{1,2})\s*(?:[:：分]\s*(?:(\d{1,2})\s*秒?)?)?$")

Stamp = tuple[datetime | time | None, str]
"""A parsed time and how it was given: "" (a date and time), "serial" (an Excel serial
date), "date" (a date without a time) or "clock" (a time of day without a date)."""


def parse_stamp(value: Any) -> Stamp:
    """A time as exported (text, Excel datetime or serial number); ValueError if it is none."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None), ""
    if isinstance(value, date):
        return datetime.combine(value, time()), "date"
    if isinstance(value, time):
        return value.replace(tzinfo=None), "clock"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return None, ""
        if 0 <= value < 1:
            return (datetime.min + timedelta(seconds=round(value * 86400))).time(), "clock"
        if not (isinstance(value, float) and not value.is_integer()):
            digits = _DIGITS.match(str(int(value)))
            if digits:
                return _from_digits(digits), ""
        return _serial(float(value)), "serial"
    text = _text(value)
    if not text:
        return None, ""
    if m := _DIGITS.match(text):
        return _from_digits(m), ""
    if _SERIAL.match(text):
        return _serial(float(text)), "serial"
    if m := _CLOCK.match(text):
        return time(int(m[1]), int(m[2]), int(m[3] or 0)), "clock"
    m = _STAMP.match(text)
    if not m:
        raise ValueError(text)
    y, mo, d = int(m[1]), int(m[2]), int(m[3])
    if m[4] is None:
        return datetime(y, mo, d), "date"
    micro = int((m[7] or "0")[:6].ljust(6, "0"))
    when = datetime(y, mo, d, int(m[4]), int(m[5]), int(m[6] or 0), micro)
    if m[8]:  # a UTC offset: convert to China time
        when = when - _offset(m[8]) + CHINA_UTC_OFFSET
    return when, ""


def _offset(text: str) -> timedelta:
    if text == "Z":
        return timedelta(0)
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))


def _from_digits(m: re.Match[str]) -> datetime:
    parts = [int(g) for g in m.groups() if g is not None]
    return datetime(*parts)  # type: ignore[arg-type]


def _serial(days: float) -> datetime:
    """An Excel serial date: days since 1899-12-30, to the second."""
    if not 10_000 <= days < 100_000:  # 1927 .. 2173: anything else is not a date
        raise ValueError(str(days))
    return EXCEL_EPOCH + timedelta(seconds=round(days * 86400))


def _number(value: Any) -> float:
    """A number from a cell; ValueError if it is none."""
    if isinstance(value, bool):
        raise ValueError(str(value))
    if isinstance(value, int | float):
        return float(value)
    text = _text(value).replace(",", "").replace("，", "")
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def _code(value: Any) -> str:
    """A village code as text: '130102001001' from 130102001001, 1.30102001001e11 or
    '130102001001.0'."""
    text = _text(value)
    return re.sub(r"^(\d+)\.0+$", r"\1", text)


def _strip_suffix(text: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


# ---------------------------------------------------------------------------------------------
# Placing calls: village name, code or coordinates


class _Villages:
    """The county's villages, found by name, code or nearest point."""

    def __init__(
        self,
        names: list[str],
        codes: Mapping[Any, Any] | None,
        xy: tuple[np.ndarray, np.ndarray] | None,
        max_km: float,
    ) -> None:
        self.names = [str(n).strip() for n in names]
        self.by_name: dict[str, list[int]] = {}
        for i, n in enumerate(self.names):
            self.by_name.setdefault(n, []).append(i)
        self.by_short: dict[str, list[int]] = {}
        for i, n in enumerate(self.names):
            self.by_short.setdefault(_strip_suffix(n, VILLAGE_SUFFIXES), []).append(i)
        self.codes = {_code(k): str(v).strip() for k, v in (codes or {}).items()}
        self.xy = xy
        self.max_km = max_km

    def by_village(self, value: str) -> int:
        """The village a name means; _RowError if none or several."""
        short = _strip_suffix(value, VILLAGE_SUFFIXES)
        for table, name in ((self.by_name, value), (self.by_name, short), (self.by_short, short)):
            hits = table.get(name, [])
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                where = ", ".join(str(h) for h in hits)
                reason = f"village name '{value}' is shared by villages {where}: give codes"
                raise _RowError("village", value, reason)
        close = difflib.get_close_matches(value, self.names, n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise _RowError("village", value, f"unknown village '{value}'{hint}")

    def by_code(self, value: str) -> int:
        name = self.codes.get(value)
        if name is None:
            raise _RowError("village_code", value, f"unknown village code '{value}'")
        hits = self.by_name.get(name, [])
        if len(hits) != 1:
            reason = f"village code '{value}' names '{name}', not one village of the county"
            raise _RowError("village_code", value, reason)
        return hits[0]

    def by_point(self, x_raw: Any, y_raw: Any) -> int:
        value = f"{_text(x_raw)}, {_text(y_raw)}"
        try:
            x, y = _number(x_raw), _number(y_raw)
        except ValueError:
            raise _RowError("x_km", value, f"bad coordinates '{value}'") from None
        assert self.xy is not None
        d = np.hypot(np.asarray(self.xy[0]) - x, np.asarray(self.xy[1]) - y)
        i = int(np.argmin(d))
        if d[i] > self.max_km:
            reason = (
                f"coordinates '{value}' are {d[i]:.1f} km from the nearest village "
                f"'{self.names[i]}' (max_km {self.max_km:g})"
            )
            raise _RowError("x_km", value, reason)
        return i


# ---------------------------------------------------------------------------------------------
# The call log


@dataclass
class _Call:
    """A call that passed the row checks; later times are still raw."""

    row: int
    call_id: str
    received: datetime
    village: int
    category: str
    raw: dict[str, Any]
    serials: int = 0


def read_call_log(
    path: str | Path,
    names: list[str],
    *,
    codes: dict[str, str] | None = None,
    xy: tuple[np.ndarray, np.ndarray] | None = None,
    columns: CallColumns | dict[str, Any] | None = None,
    categories: dict[str, str] | None = None,
    start: datetime | date | None = None,
    end: datetime | date | None = None,
    max_km: float = 3.0,
    sheet: str | None = None,
) -> tuple[pd.DataFrame, DataReport]:
    """The county's 110 call log as a normalised table (see the module) and its data report.

    `names` are the villages in index order; `codes` maps village codes to names; `xy` the
    villages' x and y in km, to place calls given by coordinates (the nearest village within
    `max_km`). Calls received outside `start`..`end` (a date: the whole day) are rejected."""
    name = Path(path).name
    if xy is not None and not (len(xy[0]) == len(xy[1]) == len(names)):
        raise _error(name, CALLS_KEY, "xy must give x and y for each village in names")
    category_names = _category_names(categories, name)
    explicit = _column_map(columns, CallColumns, name, CALLS_KEY)
    sheet_ = _read_sheet(path, CALLS_KEY, _with_explicit(CALL_ALIASES, explicit), sheet)
    found = _find_columns(sheet_, CALLS_KEY, CALL_ALIASES, explicit)
    _check_call_columns(found, sheet_, xy)
    villages = _Villages(names, codes, xy, max_km)
    report = DataReport(file=name, rows_read=len(sheet_.rows), notes=sheet_.notes)
    now = datetime.now()
    period = _period(start, end)
    unknown: Counter[str] = Counter()
    calls: list[_Call] = []
    for row, cells in sheet_.rows:
        try:
            calls.append(
                _call_row(row, cells, sheet_, found, villages, category_names, period, now)
            )
        except _RowError as r:
            report.issues.append(RecordIssue(name, row, r.field, r.value, r.reason, "rejected"))
            if r.reason.startswith("unknown category"):
                unknown[r.value] += 1
    calls = _drop_duplicates(calls, report)
    table = _finish_calls(calls, report)
    report.rows_kept = len(table)
    report.issues.sort(key=lambda i: i.row)
    if start is not None or end is not None:
        report.notes.append(f"records period: {_describe_period(start, end)}")
    if unknown:
        listed = ", ".join(f"{c} ({n:,})" for c, n in unknown.most_common())
        report.notes.append(f"unknown categories (map them under categories:): {listed}")
    for reason, n in report.counted.items():
        report.notes.append(f"{reason}: {n:,}")
    if table.empty:
        raise _error(name, CALLS_KEY, "no call survived the checks: see the data report")
    return table, report


def _category_names(categories: Mapping[str, str] | None, file: str) -> dict[str, str]:
    """The built-in category names with the user's added or overridden."""
    merged = {_norm(k): v for k, v in CATEGORY_NAMES.items()}
    problems = []
    for k, v in (categories or {}).items():
        if str(v) not in INCIDENT_TYPES:
            types = ", ".join(INCIDENT_TYPES)
            problems.append(f"categories: '{k}' -> '{v}' is not an incident type ({types})")
        else:
            merged[_norm(str(k))] = str(v)
    if problems:
        raise _error(file, CALLS_KEY, problems)
    return merged


def _check_call_columns(
    found: dict[str, int], sheet: _Sheet, xy: tuple[np.ndarray, np.ndarray] | None
) -> None:
    """RecordsError unless the log has a receipt time, a category and a way to place calls."""
    problems = [
        _missing(f, CALL_ALIASES, sheet) for f in ("received", "category") if f not in found
    ]
    has_xy = "x_km" in found and "y_km" in found
    by_name = bool({"village", "village_code"} & found.keys())
    if xy is None and has_xy:
        if not by_name:
            problems.append(
                "calls are placed by coordinates (x_km, y_km) but no village coordinates (xy) "
                "were given"
            )
        else:
            sheet.notes.append("coordinates not used: no village coordinates (xy) were given")
    elif not by_name and not has_xy:
        headers = _headers(sheet)
        problems.append(
            "no column places the calls: need village (村名), village_code (村代码) or both "
            f"x_km and y_km (横坐标km, 纵坐标km); the headers found: {headers}"
        )
    if problems:
        raise _error(sheet.file, CALLS_KEY, problems)


def _period(
    start: datetime | date | None, end: datetime | date | None
) -> tuple[datetime | None, datetime | None]:
    """The records period as [start, end): a date as `end` includes its whole day."""
    lo = hi = None
    if start is not None:
        lo = start if isinstance(start, datetime) else datetime.combine(start, time())
    if end is not None:
        if isinstance(end, datetime):
            hi = end + timedelta(microseconds=1)
        else:
            hi = datetime.combine(end, time()) + timedelta(days=1)
    return lo, hi


def _describe_period(start: date | None, end: date | None) -> str:
    return f"{start if start is not None else '…'} to {end if end is not None else '…'}"


def _cells(cells: list[Any], found: dict[str, int]) -> dict[str, Any]:
    return {f: (cells[i] if i < len(cells) else None) for f, i in found.items()}


def _call_row(
    row: int,
    cells: list[Any],
    sheet: _Sheet,
    found: dict[str, int],
    villages: _Villages,
    category_names: dict[str, str],
    period: tuple[datetime | None, datetime | None],
    now: datetime,
) -> _Call:
    """A row that passes the checks that reject; _RowError otherwise."""
    _check_line(row, cells, sheet)
    raw = _cells(cells, found)
    received, how = _received(raw.get("received"), period, now)
    return _Call(
        row=row,
        call_id=_text(raw.get("call_id")),
        received=received,
        village=_place(raw, villages),
        category=_category(raw.get("category"), category_names),
        raw=raw,
        serials=int(how == "serial"),
    )


def _check_line(row: int, cells: list[Any], sheet: _Sheet) -> None:
    """Reject a line with undecodable bytes or more cells than the header."""
    if row in sheet.bad_lines:
        text = ",".join(_text(c) for c in cells)[:40]
        raise _RowError("", text, "undecodable bytes")
    extra = [c for c in cells[len(sheet.header) :] if _text(c)]
    if extra:
        reason = f"row has {len(cells)} cells, the header {len(sheet.header)}"
        raise _RowError("", ",".join(_text(c) for c in cells)[:60], reason)


def _received(
    value: Any, period: tuple[datetime | None, datetime | None], now: datetime
) -> tuple[datetime, str]:
    """The receipt time; _RowError if absent, unreadable, outside the period or to come."""
    text = _text(value)
    try:
        when, how = parse_stamp(value)
    except ValueError:
        raise _RowError("received", text, f"bad received time '{text}'") from None
    if when is None:
        raise _RowError("received", "", "no received time")
    if not isinstance(when, datetime) or how == "date":
        part = "a time without a date" if how == "clock" else "a date without a time"
        raise _RowError("received", text, f"bad received time '{text}' ({part})")
    lo, hi = period
    if (lo is not None and when < lo) or (hi is not None and when >= hi):
        raise _RowError("received", text, "received outside the records period")
    if when > now:
        raise _RowError("received", text, "received in the future")
    return when, how


def _place(raw: dict[str, Any], villages: _Villages) -> int:
    """The village of a call: by name, else code, else coordinates; the first that is given
    and known. _RowError (with the first reason) if none is."""
    tries = []
    if "village" in raw:
        tries.append((_text(raw["village"]), villages.by_village))
    if "village_code" in raw:
        tries.append((_code(raw["village_code"]), villages.by_code))
    given = [(v, f) for v, f in tries if v]
    first: _RowError | None = None
    for value, find in given:
        try:
            return find(value)
        except _RowError as r:
            first = first or r
    if villages.xy is not None and _text(raw.get("x_km")) and _text(raw.get("y_km")):
        try:
            return villages.by_point(raw["x_km"], raw["y_km"])
        except _RowError as r:
            first = first or r
    if first is not None:
        raise first
    raise _RowError("village", "", "no village, village code or coordinates")


def _category(value: Any, category_names: dict[str, str]) -> str:
    """The incident type of a category, or of the last known part of a category path."""
    text = _text(value)
    if not text:
        raise _RowError("category", "", "no category")
    if (kind := category_names.get(_norm(text))) is not None:
        return kind
    for part in reversed(CATEGORY_SEPARATORS.split(text)):
        if (kind := category_names.get(_norm(part))) is not None:
            return kind
    raise _RowError("category", text, f"unknown category '{text}' (map it under categories:)")


def _drop_duplicates(calls: list[_Call], report: DataReport) -> list[_Call]:
    """The first of each call: same call_id, or with none the same receipt, village and
    category; later copies are rejected."""
    seen: dict[tuple[Any, ...], int] = {}
    kept = []
    for c in calls:
        key: tuple[Any, ...] = (
            ("id", c.call_id) if c.call_id else ("at", c.received, c.village, c.category)
        )
        if key in seen:
            value = c.call_id or f"{c.received:%Y-%m-%d %H:%M:%S}"
            field_ = "call_id" if c.call_id else "received"
            reason = f"duplicate of row {seen[key]}"
            report.issues.append(RecordIssue(report.file, c.row, field_, value, reason, "rejected"))
            continue
        seen[key] = c.row
        kept.append(c)
    return kept


LATER = ("dispatched", "arrived", "closed")
LOG_COLUMNS = ("row", "call_id", "received", *LATER, "village", "category", "outcome")
"""The normalised call log's columns, in order (what `read_call_log` returns)."""
COUNT_SERIAL = "Excel serial dates converted"
COUNT_CLOCK = "times of day given the receipt's date"
COUNT_CLOCK_NEXT = "times of day given the day after receipt (past midnight)"


def _finish_calls(calls: list[_Call], report: DataReport) -> pd.DataFrame:
    """The kept calls with their later times and outcomes read and checked, as the table."""
    counted: Counter[str] = Counter()
    records = []
    for c in calls:
        counted[COUNT_SERIAL] += c.serials
        times = {f: _later_time(c, f, counted, report) for f in LATER}
        _check_order(c, times, report)
        records.append(
            {
                "row": c.row,
                "call_id": c.call_id,
                "received": c.received,
                **times,
                "village": c.village,
                "category": c.category,
                "outcome": _outcome(c, report),
            }
        )
    report.counted.update({k: n for k, n in counted.items() if n})
    table = pd.DataFrame.from_records(records, columns=list(LOG_COLUMNS))
    for col in ("received", *LATER):
        table[col] = pd.to_datetime(table[col]).astype("datetime64[ns]")
    table = table.astype({"row": "int64", "village": "int64"})
    for col in ("call_id", "category", "outcome"):
        table[col] = table[col].astype(str)
    return table.sort_values(["received", "row"], kind="stable").reset_index(drop=True)


def _later_time(c: _Call, fld: str, counted: Counter[str], report: DataReport) -> Any:
    """Dispatch, arrival or close time; a time of day takes the receipt's date (the next day
    past midnight); unreadable -> NaT, repaired."""
    value = c.raw.get(fld)
    text = _text(value)
    try:
        when, how = parse_stamp(value)
    except ValueError:
        when, how = None, "bad"
    if how in ("bad", "date"):
        issue = RecordIssue(report.file, c.row, fld, text, f"bad {fld} time '{text}'", "repaired")
        report.issues.append(issue)
        return pd.NaT
    if when is None:
        return pd.NaT
    if isinstance(when, time):
        day = datetime.combine(c.received.date(), when)
        if day < c.received - MIDNIGHT_SLACK:
            day += timedelta(days=1)
            counted[COUNT_CLOCK_NEXT] += 1
        else:
            counted[COUNT_CLOCK] += 1
        return day
    counted[COUNT_SERIAL] += how == "serial"
    return when


def _check_order(c: _Call, times: dict[str, Any], report: DataReport) -> None:
    """Times out of order are set to NaT, each a repair: dispatch before receipt; arrival
    before receipt, before dispatch or over 24 h after receipt; close before arrival."""
    d, a, cl = times["dispatched"], times["arrived"], times["closed"]

    def repair(fld: str, reason: str) -> None:
        value = f"{times[fld]:%Y-%m-%d %H:%M:%S}"
        report.issues.append(RecordIssue(report.file, c.row, fld, value, reason, "repaired"))
        times[fld] = pd.NaT

    if d is not pd.NaT and d < c.received:
        repair("dispatched", "dispatched before received")
        d = pd.NaT
    if a is not pd.NaT:
        if a < c.received:
            repair("arrived", "arrival before receipt")
        elif d is not pd.NaT and a < d:
            repair("arrived", "arrival before dispatch")
        elif a - c.received > MAX_ARRIVAL:
            repair("arrived", "arrival more than 24 h after receipt")
        a = times["arrived"]
    if cl is not pd.NaT:
        if a is not pd.NaT and cl < a:
            repair("closed", "closed before arrival")
        elif cl < c.received:
            repair("closed", "closed before receipt")


def _outcome(c: _Call, report: DataReport) -> str:
    """The rpsim outcome; an unknown one is repaired to ""."""
    text = _text(c.raw.get("outcome"))
    if not text:
        return ""
    known = OUTCOME_NAMES.get(text, OUTCOME_NAMES.get(text.casefold()))
    if known is None:
        reason = f"unknown outcome '{text}'"
        report.issues.append(RecordIssue(report.file, c.row, "outcome", text, reason, "repaired"))
        return ""
    return known


# ---------------------------------------------------------------------------------------------
# The township × month panel


def township_key(value: str, station_names: list[str]) -> int | None:
    """The township a panel cell means: a 0-based index, T<k> (1-based), or the name of the
    village holding its station, with 派出所/镇/乡/街道 (or 村) allowed; None if none."""
    text = _text(value)
    if not text:
        return None
    stations = [str(s).strip() for s in station_names]
    for name in (text, _strip_suffix(text, ("派出所",))):
        if name in stations:
            return stations.index(name)
    if re.fullmatch(r"\d+", text):
        k = int(text)
        return k if k < len(stations) else None
    if m := re.fullmatch(r"[Tt](\d+)", text):
        k = int(m[1])
        return k - 1 if 1 <= k <= len(stations) else None
    short = _short_township(text)
    hits = [i for i, s in enumerate(stations) if _short_township(s) == short]
    return hits[0] if len(hits) == 1 else None


def _short_township(name: str) -> str:
    """A township or station name without its suffixes (城关镇派出所 -> 城关)."""
    for _ in range(3):
        shorter = _strip_suffix(_strip_suffix(name, TOWNSHIP_SUFFIXES), VILLAGE_SUFFIXES)
        if shorter == name:
            break
        name = shorter
    return name


_MONTH = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:月(?:份)?)?(?:\s*[-/.]\s*\d{1,2}\s*日?)?$"
)
_MONTH_DIGITS = re.compile(r"^(\d{4})(\d{2})$")


def parse_month(value: Any) -> datetime:
    """The first day of a month given as 2025-03, 2025/3, 2025年3月, 202503, or an Excel
    date or serial; ValueError if it is none."""
    if isinstance(value, datetime | date):
        return datetime(value.year, value.month, 1)
    text = _text(value)
    if m := (_MONTH_DIGITS.match(text) or _MONTH.match(text)):
        return datetime(int(m[1]), int(m[2]), 1)
    when, _ = parse_stamp(value)  # a date, a serial or a full time stamp
    if not isinstance(when, datetime):
        raise ValueError(text)
    return datetime(when.year, when.month, 1)


def read_panel(
    path: str | Path,
    station_names: list[str],
    *,
    columns: PanelColumns | dict[str, Any] | None = None,
    start: datetime | date | None = None,
    end: datetime | date | None = None,
    sheet: str | None = None,
) -> tuple[pd.DataFrame, DataReport]:
    """The township × month panel: one row per township and month, with its counts (NaN where
    absent), and its data report. Townships are given by index, T<k> or station name."""
    name = Path(path).name
    explicit = _column_map(columns, PanelColumns, name, PANEL_KEY)
    sheet_ = _read_sheet(path, PANEL_KEY, _with_explicit(PANEL_ALIASES, explicit), sheet)
    found = _find_columns(sheet_, PANEL_KEY, PANEL_ALIASES, explicit)
    problems = [_missing(f, PANEL_ALIASES, sheet_) for f in ("month", "township") if f not in found]
    if not any(f in found for f in PANEL_COUNTS):
        problems.append(f"no count column (one of {', '.join(PANEL_COUNTS)})")
    if problems:
        raise _error(name, PANEL_KEY, problems)
    report = DataReport(file=name, rows_read=len(sheet_.rows), notes=sheet_.notes)
    lo = None if start is None else datetime(start.year, start.month, 1)
    hi = None if end is None else datetime(end.year, end.month, 1)
    seen: dict[tuple[datetime, int], int] = {}
    records = []
    for row, cells in sheet_.rows:
        try:
            _check_line(row, cells, sheet_)
            raw = _cells(cells, found)
            month = _panel_month(raw.get("month"), lo, hi)
            township = _panel_township(raw.get("township"), station_names)
            if (month, township) in seen:
                reason = f"duplicate of row {seen[month, township]}"
                raise _RowError("month", f"{month:%Y-%m}", reason)
        except _RowError as r:
            report.issues.append(RecordIssue(name, row, r.field, r.value, r.reason, "rejected"))
            continue
        seen[month, township] = row
        counts = {f: _panel_count(raw, f, row, report) for f in PANEL_COUNTS}
        model = _text(raw.get("model"))
        records.append({"row": row, "month": month, "township": township, **counts, "model": model})
    report.rows_kept = len(records)
    report.issues.sort(key=lambda i: i.row)
    if start is not None or end is not None:
        report.notes.append(f"records period: {_describe_period(start, end)}")
    if not records:
        raise _error(name, PANEL_KEY, "no panel row survived the checks: see the data report")
    table = pd.DataFrame.from_records(records)
    table["month"] = pd.to_datetime(table["month"]).astype("datetime64[ns]")
    table = table.astype(
        {"row": "int64", "township": "int64", **dict.fromkeys(PANEL_COUNTS, float)}
    )
    table["model"] = table["model"].astype(str)
    table = table.sort_values(["month", "township", "row"], kind="stable")
    return table.reset_index(drop=True), report


def _panel_month(value: Any, lo: datetime | None, hi: datetime | None) -> datetime:
    text = _text(value)
    if not text:
        raise _RowError("month", "", "no month")
    try:
        month = parse_month(value)
    except ValueError:
        raise _RowError("month", text, f"bad month '{text}'") from None
    if (lo is not None and month < lo) or (hi is not None and month > hi):
        raise _RowError("month", text, "month outside the records period")
    return month


def _panel_township(value: Any, station_names: list[str]) -> int:
    text = _text(value)
    k = township_key(text, station_names)
    if k is None:
        close = difflib.get_close_matches(text, [str(s) for s in station_names], n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise _RowError("township", text, f"unknown township '{text}'{hint}")
    return k


def _panel_count(raw: dict[str, Any], fld: str, row: int, report: DataReport) -> float:
    """A count; NaN if absent, and NaN with a repair if unreadable or negative."""
    text = _text(raw.get(fld))
    if not text:
        return math.nan
    try:
        number = _number(raw[fld])
    except ValueError:
        report.issues.append(
            RecordIssue(report.file, row, fld, text, f"bad {fld} '{text}'", "repaired")
        )
        return math.nan
    if number < 0:
        report.issues.append(
            RecordIssue(report.file, row, fld, text, f"negative {fld} '{text}'", "repaired")
        )
        return math.nan
    return number
