"""Specification of the readers: files as people really save them become the same
observations, and every problem is a data issue naming the file, the row and the field."""

from __future__ import annotations

import codecs
import json
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import plan_rules as pr
from plan_rules.readers import header_key, level_key, parse_date

CLEAN = """indicator,entity,level,period,numerator,denominator,value,reported_on,source,note
T1.A.1,c1,commune,Q1/2025,1234,2000,,2025-04-10,,
T1.A.1,c2,commune,Q1/2025,412,700,,2025-04-10,,ghi chú
T1.A.2,hy,province,Q4/2025,,,87.5%,2025-12-31,,
T1.A.3,hy,province,2025,,,131,,,
T1.A.4,hy,province,2025,,,done,,QĐ 12/QĐ-UBND,
"""

# The same figures as a Vietnamese-locale spreadsheet saves them: a byte-order mark,
# semicolons, Vietnamese headers, thousands dots, decimal commas, day-first and Excel dates,
# CRLF line ends, blank lines and stray spaces.
VIETNAMESE = (
    "\ufeffChỉ tiêu;Đơn vị;Cấp;Kỳ báo cáo;Tử số;Mẫu số;Giá trị;Ngày báo cáo;Nguồn;Ghi chú\r\n"
    "T1.A.1 ; c1;Cấp xã;Quý I/2025;1.234;2.000;;10/04/2025;;\r\n"
    "\r\n"
    "T1.A.1;c2;xã;Q1/2025; 412 ;700;;45757;;ghi chú\r\n"
    ";;;;;;;;;\r\n"
    "T1.A.2;hy;tỉnh;Quý IV/2025;;;87,5%;31/12/2025;;\r\n"
    "T1.A.3;hy;province;năm 2025;;;131;;;\r\n"
    "T1.A.4;hy;province;2025;;;Hoàn thành;;QĐ 12/QĐ-UBND;\r\n"
)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def figures(read: pr.ReadResult) -> list[tuple[object, ...]]:
    """What an observation says, without where it was read from."""
    return [(o.indicator, o.entity, o.level, o.period, o.numerator, o.denominator, o.value,
             o.reported_on, o.source, o.note) for o in read.observations]


def codes(read: pr.ReadResult) -> list[str]:
    return [i.code for i in read.issues]


# -- the same figures, however they were saved ----------------------------------------------


def test_vietnamese_locale_csv_reads_to_the_same_observations_as_the_clean_csv(
        tmp_path: Path, registry: pr.Registry) -> None:
    clean = pr.read_observations(write(tmp_path, "clean.csv", CLEAN), registry=registry)
    vi = pr.read_observations(write(tmp_path, "vi.csv", VIETNAMESE), registry=registry)
    assert clean.issues == ()
    assert vi.issues == ()
    assert figures(vi) == figures(clean)
    assert vi.blank_rows == 2
    assert vi.accounted and clean.accounted


def test_decimal_comma_percent_and_thousands_dot_are_exact(
        tmp_path: Path, registry: pr.Registry) -> None:
    read = pr.read_observations(write(tmp_path, "vi.csv", VIETNAMESE), registry=registry)
    by = {(o.indicator, o.entity): o for o in read.observations}
    assert by["T1.A.1", "c1"].numerator == 1234
    assert by["T1.A.2", "hy"].value == Fraction(7, 8)
    assert type(by["T1.A.2", "hy"].value) is Fraction


def test_excel_serial_date_is_read_as_the_day_it_stands_for(
        tmp_path: Path, registry: pr.Registry) -> None:
    read = pr.read_observations(write(tmp_path, "vi.csv", VIETNAMESE), registry=registry)
    assert {o.reported_on for o in read.observations if o.entity == "c2"} == {date(2025, 4, 10)}


def test_rows_are_numbered_as_the_spreadsheet_shows_them(
        tmp_path: Path, registry: pr.Registry) -> None:
    read = pr.read_observations(write(tmp_path, "vi.csv", VIETNAMESE), registry=registry)
    assert [o.row for o in read.observations] == [2, 4, 6, 7, 8]
    assert {o.file for o in read.observations} == {str(tmp_path / "vi.csv")}


def test_quoted_cell_spanning_lines_is_numbered_by_its_first_line(
        tmp_path: Path, registry: pr.Registry) -> None:
    text = CLEAN.replace(",ghi chú\n", ',"two\nlines"\n')
    read = pr.read_observations(write(tmp_path, "f.csv", text), registry=registry)
    assert [o.row for o in read.observations] == [2, 3, 5, 6, 7]


def test_tab_separated_and_utf16_files_are_read(tmp_path: Path, registry: pr.Registry) -> None:
    tsv = CLEAN.replace(",", "\t")
    path = write(tmp_path, "f.txt", codecs.BOM_UTF16_LE + tsv.encode("utf-16-le"))
    read = pr.read_observations(path, registry=registry)
    clean = pr.read_observations(write(tmp_path, "clean.csv", CLEAN), registry=registry)
    assert figures(read) == figures(clean)


def test_excel_sep_line_is_obeyed(tmp_path: Path, registry: pr.Registry) -> None:
    text = "sep=;\n" + CLEAN.replace(",", ";")
    read = pr.read_observations(write(tmp_path, "f.csv", text), registry=registry)
    assert read.issues == ()
    assert read.observations[0].row == 3


def test_windows_1258_file_is_read_with_a_warning(tmp_path: Path, registry: pr.Registry) -> None:
    path = write(tmp_path, "f.csv", CLEAN.encode("cp1258"))
    read = pr.read_observations(path, registry=registry)
    assert codes(read) == ["encoding"]
    assert read.issues[0].severity == "warning"
    assert {o.note for o in read.observations} >= {"ghi chú"}


def test_json_records_read_to_the_same_observations(tmp_path: Path,
                                                    registry: pr.Registry) -> None:
    records = [
        {"indicator": "T1.A.1", "entity": "c1", "level": "commune", "period": "Q1/2025",
         "numerator": 1234, "denominator": 2000, "reported_on": "2025-04-10"},
        {"chỉ tiêu": "T1.A.1", "đơn vị": "c2", "cấp": "commune", "kỳ báo cáo": "Q1/2025",
         "tử số": 412, "mẫu số": 700, "ngày báo cáo": "10/04/2025", "ghi chú": "ghi chú"},
        {"indicator": "T1.A.2", "entity": "hy", "level": "province", "period": "Q4/2025",
         "value": "87,5%", "reported_on": "2025-12-31"},
        {"indicator": "T1.A.3", "entity": "hy", "level": "province", "period": "2025",
         "value": 131},
        {"indicator": "T1.A.4", "entity": "hy", "level": "province", "period": 2025,
         "value": True, "source": "QĐ 12/QĐ-UBND", "note": None},
    ]
    path = write(tmp_path, "f.json", json.dumps({"observations": records}, ensure_ascii=False))
    read = pr.read_observations(path, registry=registry)
    clean = pr.read_observations(write(tmp_path, "clean.csv", CLEAN), registry=registry)
    assert read.issues == ()
    assert figures(read) == figures(clean)


def test_json_numbers_are_exact_and_never_read_as_thousands(
        tmp_path: Path, registry: pr.Registry) -> None:
    # 1.234 in JSON is one point two three four, never 1234 (a Vietnamese thousands dot).
    records = [{"indicator": "T1.A.2", "entity": "hy", "level": "province", "period": "2025",
                "value": v} for v in ("1.234", "87.5")]
    records.append({"indicator": "T1.A.3", "entity": "hy", "level": "province",
                    "period": "2025", "value": "1234.0"})
    text = json.dumps(records).replace('"1.234"', "1.234").replace('"87.5"', "87.5") \
        .replace('"1234.0"', "1234.0")
    read = pr.read_observations(write(tmp_path, "f.json", text), registry=registry)
    assert [i.code for i in read.issues] == []
    assert [o.value for o in read.observations] == [Fraction(1234, 100000), Fraction(7, 8),
                                                    Fraction(1234)]


def test_headers_are_recognised_without_diacritics_and_in_any_case() -> None:
    assert header_key("Tu so") == "numerator"
    assert header_key("  KỲ BÁO CÁO ") == "period"
    assert header_key("Mẫu số (denominator)") == "denominator"
    assert header_key("reported-on") == "reported_on"
    assert header_key("Giá trị *") == "value"


def test_vietnamese_level_names_are_the_plugins_levels() -> None:
    assert level_key("Cấp xã") == "commune"
    assert level_key("huyen") == "district"
    assert level_key("tỉnh") == "province"
    assert level_key("agency") == "agency"


@pytest.mark.parametrize(("text", "day"), [
    ("2025-12-31", date(2025, 12, 31)), ("31/12/2025", date(2025, 12, 31)),
    ("31.12.2025", date(2025, 12, 31)), ("2025-12-31 00:00:00", date(2025, 12, 31)),
    ("31/12/2025 08:30", date(2025, 12, 31)), ("46022", date(2025, 12, 31)),
    ("ngày 31 tháng 12 năm 2025", date(2025, 12, 31)),
])
def test_dates_are_read_day_first_in_every_form_people_use(text: str, day: date) -> None:
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["2025", "12/2025", "tomorrow", "31/02/2025", ""])
def test_a_text_that_is_not_one_day_is_not_a_date(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


# -- xlsx --------------------------------------------------------------------------------------


def test_xlsx_cells_are_read_as_typed_and_formatted(tmp_path: Path,
                                                    registry: pr.Registry) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["indicator", "entity", "level", "period", "numerator", "denominator", "value",
               "reported_on", "source", "note"])
    ws.append(["T1.A.1", "c1", "commune", "Q1/2025", 1234, 2000, None, date(2025, 4, 10)])
    ws.append([])
    ws.append(["T1.A.2", "hy", "province", date(2025, 10, 1), None, None, 0.875])
    ws.append(["T1.A.3", "hy", "province", 2025, None, None, 131])
    ws.append(["T1.A.2", "hy", "province", "Q3/2025", None, None, 1.234])
    ws["D4"].number_format = "mm/yyyy"  # Excel turned "10/2025" into a date
    ws["G4"].number_format = "0.0%"  # shows 87.5%
    path = tmp_path / "f.xlsx"
    wb.save(path)
    read = pr.read_observations(path, registry=registry)
    assert read.issues == ()
    by_row = {o.row: o for o in read.observations}
    assert by_row[2].numerator == 1234 and by_row[2].reported_on == date(2025, 4, 10)
    assert by_row[4].period == pr.Period.parse("10/2025")
    assert by_row[4].value == Fraction(7, 8)
    assert by_row[5].value == 131
    # a number cell without a percent format, for a rate read in percent: 1.234%, exactly
    assert by_row[6].value == Fraction(1234, 100000)
    assert read.blank_rows == 1


def test_a_file_that_is_not_a_workbook_is_a_read_error(tmp_path: Path,
                                                        registry: pr.Registry) -> None:
    pytest.importorskip("openpyxl")
    with pytest.raises(pr.ReadError, match=r"not a readable \.xlsx"):
        pr.read_observations(write(tmp_path, "f.xlsx", "not a zip"), registry=registry)


# -- every problem named -----------------------------------------------------------------------

HEADER = "indicator,entity,level,period,numerator,denominator,value,reported_on,source,note\n"

MALFORMED = [
    # (row, code, field, found)
    ("T1.A.1,c1,commune,Q1/2025,12a,100,,,,", "bad_number", "numerator", "12a"),
    ("T1.A.1,c1,commune,Q1/2025,-5,100,,,,", "negative", "numerator", "-5"),
    ("T1.A.1,c1,commune,Q1/2025,5,,,,,", "incomplete_counts", "denominator", None),
    ("T1.A.1,c1,commune,Q1/2025,,5,,,,", "incomplete_counts", "numerator", None),
    ("T1.A.1,c1,commune,Quý V/2025,5,10,,,,", "bad_period", "period", "Quý V/2025"),
    ("T1.A.1,c1,commune,45838,5,10,,,,", "bad_period", "period", "45838"),
    ("T1.A.1,c1,commune,Q1/2025,5,10,,32/13/2025,,", "bad_date", "reported_on", "32/13/2025"),
    (",c1,commune,Q1/2025,5,10,,,,", "missing_field", "indicator", None),
    ("T1.A.1,,commune,Q1/2025,5,10,,,,", "missing_field", "entity", None),
    ("T1.A.1,c1,commune,,5,10,,,,", "missing_field", "period", None),
    ("T1.A.2,hy,province,2025,,,abc%,,,", "bad_number", "value", "abc%"),
    ("T1.A.3,hy,province,2025,,,12,5,,,", "extra_cells", "column 11", None),
    ("T1.A.3,hy,province,2025,,,1e3,,,", "bad_number", "value", "1e3"),
    ("T1.A.4,hy,province,2025,,,maybe,,,", "bad_milestone", "value", "maybe"),
    ("T1.A.1,c1,commune,Q1/2025,,,,,Báo cáo số 5,", "missing_figure", "value", None),
]


@pytest.mark.parametrize(("row", "code", "field", "found"), MALFORMED,
                         ids=[f"{m[1]}-{m[2]}" for m in MALFORMED])
def test_each_malformed_row_is_a_data_issue_naming_file_row_and_field(
        tmp_path: Path, registry: pr.Registry, row: str, code: str, field: str,
        found: str | None) -> None:
    path = write(tmp_path, "figures.csv", HEADER + "T1.A.1,c2,commune,Q1/2025,1,2,,,,\n" + row)
    read = pr.read_observations(path, registry=registry)
    assert len(read.observations) == 1
    issue = next(i for i in read.issues if i.code == code)
    assert (issue.file, issue.row, issue.field) == (str(path), 3, field)
    assert issue.severity == "error"
    if found is not None:
        assert issue.text == found
    assert issue.message.vi and issue.message.en and issue.message.vi != issue.message.en
    assert read.accounted


def test_excel_date_in_the_period_column_says_how_to_fix_it(
        tmp_path: Path, registry: pr.Registry) -> None:
    path = write(tmp_path, "f.csv", HEADER + "T1.A.1,c1,commune,45838,5,10,,,,\n")
    issue = pr.read_observations(path, registry=registry).issues[0]
    assert "30/06/2025" in issue.message.en and "Text" in issue.message.en
    assert "Văn bản" in issue.message.vi


def test_a_decimal_comma_in_a_comma_file_is_explained(tmp_path: Path,
                                                      registry: pr.Registry) -> None:
    path = write(tmp_path, "f.csv", HEADER + "T1.A.2,hy,province,2025,,,87,5,,,\n")
    issue = pr.read_observations(path, registry=registry).issues[0]
    assert issue.code == "extra_cells"
    assert "quoted" in issue.message.en and "ngoặc kép" in issue.message.vi


def test_a_trailing_empty_cell_is_not_an_error(tmp_path: Path, registry: pr.Registry) -> None:
    path = write(tmp_path, "f.csv", HEADER + "T1.A.1,c1,commune,Q1/2025,5,10,,45757,,,\n")
    read = pr.read_observations(path, registry=registry)
    assert read.issues == () and len(read.observations) == 1


def test_a_template_row_left_blank_is_a_warning_not_a_silent_drop(
        tmp_path: Path, registry: pr.Registry) -> None:
    path = write(tmp_path, "f.csv", HEADER + "T1.A.1,c1,commune,Q1/2025,,,,,,\n")
    read = pr.read_observations(path, registry=registry)
    assert read.observations == ()
    assert [(i.code, i.severity, i.row) for i in read.issues] == [("not_filled", "warning", 2)]
    assert read.accounted


def test_a_missing_column_names_the_column_and_accounts_for_every_row(
        tmp_path: Path, registry: pr.Registry) -> None:
    text = "indicator,entity,level,numerator,denominator\nT1.A.1,c1,commune,1,2\n"
    read = pr.read_observations(write(tmp_path, "f.csv", text), registry=registry)
    assert [(i.code, i.row, i.field) for i in read.issues] == [("missing_column", 1, "period")]
    assert read.rows == 1 and read.observations == ()
    assert read.accounted


def test_an_unknown_column_is_a_warning_with_a_suggestion(tmp_path: Path,
                                                          registry: pr.Registry) -> None:
    text = HEADER.replace("denominator", "denominater").rstrip("\n") + ",extra\n"
    read = pr.read_observations(write(tmp_path, "f.csv", text + "T1.A.3,hy,province,2025,,,"
                                      "131,,,,x\n"), registry=registry)
    unknown = [i for i in read.issues if i.code == "unknown_column"]
    assert [i.field for i in unknown] == ["denominater", "extra"]
    assert all(i.severity == "warning" and i.row == 1 for i in unknown)
    assert "did you mean 'denominator'" in unknown[0].message.en
    assert len(read.observations) == 1


def test_an_ignored_column_given_twice_is_a_warning(tmp_path: Path,
                                                   registry: pr.Registry) -> None:
    text = HEADER.rstrip("\n") + ",unit,đvt\nT1.A.3,hy,province,2025,,,131,,,,%,%\n"
    read = pr.read_observations(write(tmp_path, "f.csv", text), registry=registry)
    assert [(i.code, i.field, i.severity) for i in read.issues] == [
        ("duplicate_column", "unit", "warning")]
    assert read.observations[0].value == 131


def test_an_empty_file_is_a_data_issue(tmp_path: Path, registry: pr.Registry) -> None:
    read = pr.read_observations(write(tmp_path, "f.csv", "\ufeff\n\n"), registry=registry)
    assert codes(read) == ["empty_file"]


def test_invalid_json_is_a_data_issue_with_its_line(tmp_path: Path,
                                                    registry: pr.Registry) -> None:
    read = pr.read_observations(write(tmp_path, "f.json", '[\n{"indicator": }\n]'),
                                registry=registry)
    assert [(i.code, i.row) for i in read.issues] == [("bad_json", 2)]


def test_a_json_record_that_is_not_an_object_is_named(tmp_path: Path,
                                                      registry: pr.Registry) -> None:
    text = '[1, {"indicator": "T1.A.3", "entity": "hy", "period": "2025", "value": [1]}]'
    read = pr.read_observations(write(tmp_path, "f.json", text), registry=registry)
    assert [(i.code, i.row, i.field) for i in read.issues] == [("bad_record", 1, None),
                                                               ("bad_cell", 2, "value")]


def test_a_missing_file_is_a_read_error_in_both_languages(tmp_path: Path,
                                                          registry: pr.Registry) -> None:
    with pytest.raises(pr.ReadError, match="không đọc được"):
        pr.read_observations(tmp_path / "nope.csv", registry=registry)


def test_an_old_excel_file_says_how_to_save_it(tmp_path: Path, registry: pr.Registry) -> None:
    with pytest.raises(pr.ReadError, match=r"\.xlsx"):
        pr.read_observations(write(tmp_path, "f.xls", b"\xd0\xcf\x11\xe0"), registry=registry)


def test_indicator_codes_match_whatever_their_case(tmp_path: Path,
                                                   registry: pr.Registry) -> None:
    path = write(tmp_path, "f.csv", HEADER + "t1.a.3,hy,province,2025,,,131,,,\n")
    assert pr.read_observations(path, registry=registry).observations[0].indicator == "T1.A.3"


cells = st.sampled_from(["", " ", "T1.A.1", "T1.A.4", "c1", "commune", "Q1/2025", "2025",
                         "12", "-3", "1.234", "87,5%", "done", "x", "45757", "31/12/2025",
                         '"', ";", "=1+1"]) | st.text(max_size=6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(cells, max_size=12), max_size=8), st.sampled_from([",", ";"]))
def test_every_row_of_any_file_is_an_observation_or_named_by_an_issue(
        tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]], sep: str) -> None:
    import csv
    import io

    from sample_plugin import INDICATORS, PLAN, TARGETS

    class Plugin:
        name = "sample"

        @pr.hookimpl
        def plan_rules_plans(self) -> list[pr.Plan]:
            return [PLAN]

        @pr.hookimpl
        def plan_rules_indicators(self) -> list[pr.Indicator]:
            return INDICATORS

        @pr.hookimpl
        def plan_rules_targets(self) -> list[pr.Target]:
            return TARGETS

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep).writerows([HEADER.strip().split(","), *rows])
    path = tmp_path_factory.mktemp("any") / "f.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    read = pr.read_observations(path, registry=pr.load_registry(plugins=[Plugin()],
                                                                entry_points=False))
    assert read.accounted, read.unaccounted
    assert all(i.file == str(path) for i in read.issues)


# -- entities ----------------------------------------------------------------------------------

ENTITIES = """code,name,level,groups,parent,valid_from,valid_to
hy,Tỉnh Hưng Yên,tỉnh,,,,
kd,Huyện Kim Động,Cấp huyện,localities;districts,hy,,30/06/2025
tan-hung,Xã Tân Hưng,xã,localities,hy,2025-07-01,

tan-hung,Xã Tân Hưng,xã,localities,hy,2025-07-01,
bad,Xã lỗi,commune,,hy,01/07/2025,30/06/2025
nolevel,Không cấp,,,,,
when,Xã khi nào,commune,,nowhere,sometime,
"""


def test_entities_file_reads_levels_groups_and_validity(tmp_path: Path) -> None:
    read = pr.read_entities(write(tmp_path, "entities.csv", ENTITIES))
    by = {e.code: e for e in read.entities}
    assert set(by) == {"hy", "kd", "tan-hung"}
    assert by["kd"].level == "district" and by["kd"].valid_to == date(2025, 6, 30)
    assert by["kd"].groups == frozenset({"localities", "districts"})
    assert by["tan-hung"].valid_from == date(2025, 7, 1)
    assert by["tan-hung"].name == "Xã Tân Hưng"
    assert read.blank_rows == 1
    assert read.accounted


def test_every_bad_entity_row_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "entities.csv", ENTITIES)
    read = pr.read_entities(path)
    named = [(i.code, i.row, i.field) for i in read.issues]
    assert ("duplicate_entity", 6, "code") in named
    assert ("bad_validity", 7, "valid_to") in named
    assert ("missing_field", 8, "level") in named
    assert ("bad_date", 9, "valid_from") in named
    assert all(i.file == str(path) for i in read.issues)


@given(rows=st.lists(st.tuples(
    st.sampled_from(["T1.A.1", "T1.A.2"]),
    st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True),
    st.sampled_from(["commune", "province", "", "Cấp xã", " commune"]),
    st.sampled_from(["Q1/2025", "T7/2025", "6 tháng đầu năm 2025", "2025"]),
    st.integers(0, 10**6), st.integers(0, 10**6),
    st.sampled_from(["", "05/10/2025"]),
), min_size=1, max_size=20))
@settings(max_examples=50)
def test_plain_rows_read_to_the_same_observations_as_the_model_builds(
        registry: pr.Registry, tmp_path_factory: pytest.TempPathFactory,
        rows: list[tuple[str, str, str, str, int, int, str]]) -> None:
    # Plain rows take a shortcut past the general parser; it must not show in the result.
    path = tmp_path_factory.mktemp("plain") / "figures.csv"
    lines = ["indicator,entity,level,period,numerator,denominator,value,reported_on"]
    lines += [f"{i},{e},{lv},{p},{n},{d},,{r}" for i, e, lv, p, n, d, r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    read = pr.read_observations(path, registry=registry)
    expected = [
        pr.Observation(indicator=i, entity=e, level=level_key(lv) if lv.strip() else None,
                       period=pr.Period.parse(p), numerator=n, denominator=d,
                       reported_on=date(2025, 10, 5) if r else None, file=str(path),
                       row=n_row)
        for n_row, (i, e, lv, p, n, d, r) in enumerate(rows, start=2)
    ]
    assert list(read.observations) == expected
    assert [hash(o) for o in read.observations] == [hash(o) for o in expected]


@pytest.mark.parametrize(("written", "level"), [
    ("Province", "province"), ("COMMUNE", "commune"), ("Department", "department"),
    ("cấp xã", "commune"), ("ward", "ward")])
def test_levels_are_read_whatever_their_case(written: str, level: str) -> None:
    assert level_key(written) == level


def test_a_damaged_worksheet_is_a_read_error_not_a_crash(tmp_path: Path) -> None:
    import zipfile

    openpyxl = pytest.importorskip("openpyxl")
    good = tmp_path / "good.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["indicator", "entity", "level", "period", "value"])
    book.active.append(["T1.A.3", "tinh", "province", "Q1/2025", 130])
    book.save(good)
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    with pytest.raises(pr.ReadError) as info:
        pr.read_observations(damaged)
    assert info.value.file == str(damaged)


def test_an_empty_json_record_is_reported_not_dropped(tmp_path: Path) -> None:
    path = tmp_path / "figures.json"
    path.write_text(json.dumps([{}, {"indicator": "T1.A.3", "entity": "tinh",
                                     "level": "province", "period": "Q1/2025",
                                     "value": 130}]), encoding="utf-8")
    read = pr.read_observations(path)
    assert len(read.observations) == 1
    assert [(i.code, i.row) for i in read.issues] == [("bad_record", 1)]
    assert read.unaccounted == ()


def test_a_bare_rate_of_one_or_less_is_used_as_a_percentage_with_a_warning(
        tmp_path: Path, registry: pr.Registry) -> None:
    path = tmp_path / "figures.csv"
    path.write_text("indicator;entity;level;period;value\n"
                    "T1.A.2;tinh;province;Q1/2025;0,95\n"
                    "T1.A.2;tinh2;province;Q1/2025;95\n", encoding="utf-8")
    read = pr.read_observations(path, registry=registry)
    assert [o.value for o in read.observations] == [Fraction(95, 10000), Fraction(95, 100)]
    assert [(i.code, i.row, i.field, i.severity) for i in read.issues] == [
        ("ambiguous_rate", 2, "value", "warning")]
    assert "95%" in read.issues[0].message.en


@pytest.mark.parametrize("text", ["9999-12-31T25:00", "31/12/2025 24:00", "2025-12-31 10:61"])
def test_a_date_with_a_time_that_does_not_exist_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="time of day"):
        parse_date(text)


def test_a_cell_longer_than_the_csv_reader_takes_is_a_read_error_naming_the_line(
        tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("indicator,entity,period,numerator,denominator\n"
                    "HY25.DE.1,a,2025,1,2\n"
                    f'HY25.DE.1,b,2025,1,"{"x" * 200_000}"\n', encoding="utf-8")
    with pytest.raises(pr.ReadError, match=r"long\.csv, line 3: .*131,072 characters"):
        pr.read_observations(path)


@given(st.text(alphabet='ab,;"\r\n\x0b\x0c\x1c\x85\u2028 ', max_size=80), st.integers(1, 9))
def test_lines_are_split_as_a_csv_file_is_read(text: str, block: int) -> None:
    """The reader splits lines itself (a StringIO would copy the text at four bytes a
    character); it must split them exactly where a file opened with newline='' does."""
    import io

    from plan_rules.readers.source import _lines

    assert list(_lines(text, block)) == list(io.StringIO(text, newline=""))


def test_plain_rows_and_rows_read_in_full_keep_row_order(tmp_path: Path) -> None:
    """Plain rows go straight into the table's columns, among the others by row."""
    path = tmp_path / "figures.csv"
    rows = ["indicator,entity,level,period,numerator,denominator,value,source"]
    for n in range(40):
        rows.append(f"HY25.DE.1,xa-{n},commune,Q{n % 4 + 1}/2025,{n},{n + 3},,")
        if n % 3 == 0:
            rows.append(f"HY25.DE.1,xa-{n},commune,2025,{n},{n + 3},,QĐ 1")  # not plain
        if n % 7 == 0:
            rows.append(f"HY25.DE.1,xa-{n},commune,Q9/2025,1,2,,")  # an issue
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    whole = pr.read_observations(path)
    assert [o.row for o in whole.observations] == sorted(o.row for o in whole.observations)
    assert [o.source for o in whole.observations][:3] == [None, "QĐ 1", None]
    assert len(whole.observations) == 40 + 14 and len(whole.issues) == 6


def test_a_json_rate_keeps_the_precision_its_number_is_written_to(
        tmp_path: Path, registry: pr.Registry) -> None:
    text = json.dumps([{"indicator": "T1.A.2", "entity": "hy", "level": "province",
                        "period": "Q4/2025", "value": 95.9}])
    read = pr.read_observations(write(tmp_path, "f.json", text), registry=registry)
    [obs] = read.observations
    assert (obs.value, obs.precision) == (Fraction(959, 1000), Fraction(1, 1000))


def test_a_spreadsheet_percentage_keeps_the_precision_its_stored_number_has(
        tmp_path: Path, registry: pr.Registry) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["indicator", "entity", "level", "period", "numerator", "denominator",
                        "value"])
    book.active.append(["T1.A.1", "c1", "commune", "Q1/2025", 1872, 1952, 0.959])
    book.active["G2"].number_format = "0.0%"
    book.save(tmp_path / "f.xlsx")
    [obs] = pr.read_observations(tmp_path / "f.xlsx", registry=registry).observations
    assert (obs.value, obs.precision) == (Fraction(959, 1000), Fraction(1, 1000))
