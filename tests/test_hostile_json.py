"""The JSON reader under hostile input: duplicate keys, numbers no figure can be, nesting
deeper than Python can follow and text that is not Unicode are each a data issue naming the
record (or the file), found quickly, never a traceback or a hang; the command line says so
and exits 1 (``validate`` found data errors) or 2, never with a traceback."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

import plan_rules as pr
from plan_rules import cli

RECORD = '{"indicator": "T1.A.3", "entity": "tinh", "level": "province", "period": "2025", '
GOOD = RECORD + '"value": 130}'


def write(tmp_path: Path, text: str, name: str = "figures.json") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read(tmp_path: Path, text: str, registry: pr.Registry) -> pr.ReadResult:
    return pr.read_observations(write(tmp_path, text), registry=registry)


def errors(result: pr.ReadResult) -> list[tuple[str, int | None, str | None]]:
    return [(i.code, i.row, i.field) for i in result.issues if i.severity == "error"]


# -- duplicate keys ---------------------------------------------------------------------------


def test_a_key_given_twice_is_an_error_naming_both(tmp_path: Path,
                                                    registry: pr.Registry) -> None:
    text = ('[' + GOOD + ', {"indicator": "T1.A.1", "entity": "xa-a", "period": "Q1/2025", '
            '"numerator": 70, "numerator": 75, "denominator": 100}]')
    result = read(tmp_path, text, registry)
    assert errors(result) == [("duplicate_key", 2, "numerator")]
    issue = result.issues[0]
    assert issue.text is not None and '"numerator": 70' in issue.text
    assert '"numerator": 75' in issue.text
    assert "numerator" in issue.message.vi and "hai lần" in issue.message.vi
    assert [o.row for o in result.observations] == [1]
    assert result.accounted


def test_a_field_and_its_vietnamese_alias_are_an_error_naming_both(
        tmp_path: Path, registry: pr.Registry) -> None:
    text = ('[{"indicator": "T1.A.1", "entity": "xa-a", "period": "Q1/2025", '
            '"numerator": 70, "tử số": 75, "denominator": 100}]')
    result = read(tmp_path, text, registry)
    assert errors(result) == [("duplicate_key", 1, "numerator")]
    issue = result.issues[0]
    assert "'numerator'" in issue.message.en and "'tử số'" in issue.message.en
    assert "'tử số'" in issue.message.vi
    assert result.observations == () and result.accounted


def test_a_wrapper_key_given_twice_is_not_a_record_issue(tmp_path: Path,
                                                         registry: pr.Registry) -> None:
    # Only records are figures: a repeated key elsewhere changes nothing that is read.
    text = '{"version": 1, "version": 2, "observations": [' + GOOD + "]}"
    result = read(tmp_path, text, registry)
    assert result.issues == () and len(result.observations) == 1


# -- numbers no figure can be -----------------------------------------------------------------

HUGE = {
    "a 5,000-digit integer": "1" * 5000,
    "1e5000": "1e5000",
    "1e1000000": "1e1000000",
    "1e99999999": "1e99999999",
    "-1e99999999": "-1e99999999",
    "1e-99999999": "1e-99999999",
    "a 5,000-digit exponent": "1e" + "9" * 5000,
    "a 5,000-decimal fraction": "0." + "0" * 4999 + "1",
    "10^18": "1000000000000000000",
    "1e18": "1e18",
}


@pytest.mark.parametrize("literal", HUGE.values(), ids=HUGE.keys())
def test_a_number_beyond_any_figure_is_bad_number_on_its_record_and_field(
        tmp_path: Path, registry: pr.Registry, literal: str) -> None:
    text = "[" + GOOD + ", " + RECORD + '"value": ' + literal + "}]"
    started = time.monotonic()
    result = read(tmp_path, text, registry)
    assert time.monotonic() - started < 5
    assert errors(result) == [("bad_number", 2, "value")]
    issue = result.issues[0]
    assert issue.text is not None and len(issue.text) <= 80
    assert "18" in (issue.expected or "")
    assert [o.row for o in result.observations] == [1] and result.accounted


def test_the_96_byte_file_that_hung_is_refused_at_once(tmp_path: Path,
                                                       registry: pr.Registry) -> None:
    text = ('[{"indicator":"T1.A.3","entity":"tinh","period":"2025","value":1e99999999,'
            '"level":"province"} ]\n')
    assert len(text.encode()) == 96
    started = time.monotonic()
    result = read(tmp_path, text, registry)
    assert time.monotonic() - started < 5
    assert errors(result) == [("bad_number", 1, "value")]


def test_a_huge_count_is_bad_number_on_its_field(tmp_path: Path,
                                                 registry: pr.Registry) -> None:
    text = ('[{"indicator": "T1.A.1", "entity": "xa-a", "period": "Q1/2025", '
            '"numerator": 1e400, "denominator": 100}]')
    assert errors(read(tmp_path, text, registry)) == [("bad_number", 1, "numerator")]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_bad_number(tmp_path: Path, registry: pr.Registry,
                                         literal: str) -> None:
    result = read(tmp_path, "[" + RECORD + '"value": ' + literal + "}]", registry)
    assert errors(result) == [("bad_number", 1, "value")]
    assert result.issues[0].text == literal


@pytest.mark.parametrize(("literal", "value"), [
    ("130", 130), ("130.0", 130), ("1.3e2", 130), ("13E+1", 130), ("-0", 0),
    ("999999999999999999", 999999999999999999), ("0.5", "1/2"), ("87.5", "175/2")])
def test_ordinary_json_numbers_are_read_exactly_as_before(
        tmp_path: Path, registry: pr.Registry, literal: str, value: object) -> None:
    from fractions import Fraction

    result = read(tmp_path, '[{"indicator": "T1.A.2", "entity": "tinh", "period": "2025", '
                  '"level": "province", "value": ' + literal + "}]", registry)
    assert result.issues == ()
    # T1.A.2 is a rate in percent: a JSON number is its percentage.
    assert result.observations[0].value == Fraction(str(value)) / 100


# -- nesting ----------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [5_000, 200_000])
def test_nesting_deeper_than_python_follows_is_bad_json_for_the_file(
        tmp_path: Path, registry: pr.Registry, depth: int) -> None:
    text = "[" + GOOD + ", " + RECORD + '"note": ' + "[" * depth + "]" * depth + "}]"
    result = read(tmp_path, text, registry)
    assert errors(result) == [("bad_json", None, None)]
    assert "nested" in result.issues[0].message.en
    assert "lồng" in result.issues[0].message.vi
    assert result.accounted


def test_a_nested_value_within_reach_is_a_bad_cell_shown_short(
        tmp_path: Path, registry: pr.Registry) -> None:
    text = "[" + RECORD + '"note": ' + "[" * 300 + "]" * 300 + "}]"
    result = read(tmp_path, text, registry)
    assert errors(result) == [("bad_cell", 1, "note")]
    assert len(result.issues[0].text or "") <= 80


# -- text that is not Unicode -----------------------------------------------------------------


def test_a_lone_surrogate_in_a_value_is_bad_text_shown_escaped(
        tmp_path: Path, registry: pr.Registry) -> None:
    text = "[" + GOOD + ", " + RECORD + r'"value": 1, "note": "ghi \ud800 chú"}]'
    result = read(tmp_path, text, registry)
    assert errors(result) == [("bad_text", 2, "note")]
    issue = result.issues[0]
    assert issue.text == r"ghi \ud800 chú"
    assert [o.row for o in result.observations] == [1] and result.accounted


def test_a_lone_surrogate_in_a_key_is_bad_text(tmp_path: Path,
                                               registry: pr.Registry) -> None:
    result = read(tmp_path, "[" + RECORD + r'"value": 1, "n\udc00te": "x"}]', registry)
    assert errors(result) == [("bad_text", 1, r"n\udc00te")]


def test_a_surrogate_pair_is_one_character_and_read(tmp_path: Path,
                                                    registry: pr.Registry) -> None:
    result = read(tmp_path, "[" + RECORD + r'"value": 1, "note": "\ud83d\ude00"}]', registry)
    assert result.issues == () and result.observations[0].note == "\U0001f600"


def test_no_issue_text_carries_a_surrogate(tmp_path: Path, registry: pr.Registry) -> None:
    # A record that is itself a bad string, a bad cell holding one: shown, escaped.
    text = r'["\ud800", ' + RECORD + r'"value": ["\udfff"]}]'
    result = read(tmp_path, text, registry)
    assert errors(result) == [("bad_record", 1, None), ("bad_cell", 2, "value")]
    for issue in result.issues:
        json.dumps(issue.text, ensure_ascii=False).encode("utf-8")


# -- bytes that are not UTF-8 ------------------------------------------------------------------

MILESTONE = '{"indicator": "T1.A.4", "entity": "tinh", "level": "province", "period": "2025", '


def test_a_record_with_bytes_that_are_not_utf8_is_named_and_the_others_stay_as_written(
        tmp_path: Path, registry: pr.Registry) -> None:
    good = MILESTONE + '"value": "hoàn thành", "source": "QĐ 12/QĐ-UBND"}'
    bad = (MILESTONE + '"value": "hoàn thành", "source": "QĐ 12", "note": "caf').encode()
    path = tmp_path / "figures.json"
    path.write_bytes(("[" + ", ".join([good] * 3) + ", ").encode() + bad + b'\xe9"}]')
    result = pr.read_observations(path, registry=registry)
    assert errors(result) == [("bad_encoding", 4, "note")]
    assert result.issues[0].text == "caf\\xe9"
    assert [o.value for o in result.observations] == [1, 1, 1]  # "hoàn thành", as written


def test_a_json_file_mostly_not_utf8_is_read_as_windows_1258(tmp_path: Path,
                                                             registry: pr.Registry) -> None:
    text = "[" + MILESTONE + '"value": "hoàn thành", "source": "QĐ 12/QĐ-UBND"}]'
    path = tmp_path / "figures.json"
    path.write_bytes(text.encode("cp1258"))
    result = pr.read_observations(path, registry=registry)
    assert [i.code for i in result.issues] == ["encoding"]
    assert [o.value for o in result.observations] == [1]


# -- the command line -------------------------------------------------------------------------

HOSTILE = {
    "duplicate key": '[{"indicator": "T1.A.3", "entity": "tinh", "period": "2025", '
                     '"value": 1, "value": 2}]',
    "alias": '[{"indicator": "T1.A.3", "entity": "tinh", "period": "2025", '
             '"value": 1, "giá trị": 2}]',
    "5,000 digits": "[" + RECORD + '"value": ' + "7" * 5000 + "}]",
    "1e5000": "[" + RECORD + '"value": 1e5000}]',
    "1e1000000": "[" + RECORD + '"value": 1e1000000}]',
    "1e99999999": "[" + RECORD + '"value": 1e99999999}]',
    "5,000 deep": "[" * 5000 + "]" * 5000,
    "surrogate": "[" + RECORD + r'"value": 1, "source": "\ud800"}]',
}


@pytest.mark.usefixtures("cli_on_sample_plan")
@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("fmt", ["text", "json", "csv"])
def test_validate_reports_each_hostile_file_and_exits_1(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, fmt: str) -> None:
    path = write(tmp_path, text)
    code = cli.main(["validate", str(path), "--as-of", "2025-12-31", "-f", fmt])
    out, err = capsys.readouterr()
    assert code == cli.EXIT_FAIL_ON
    assert "Traceback" not in out + err
    assert out.strip()


@pytest.mark.usefixtures("cli_on_sample_plan")
@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_evaluate_writes_a_report_on_each_hostile_file(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    out_file = tmp_path / "report.json"
    code = cli.main(["evaluate", str(path), "--as-of", "2025-12-31", "-f", "json",
                     "-o", str(out_file), "--fail-on", "issues"])
    _, err = capsys.readouterr()
    assert code == cli.EXIT_FAIL_ON
    assert "Traceback" not in err
    assert json.loads(out_file.read_text(encoding="utf-8"))["issues"]


def test_a_repeated_key_with_a_lone_surrogate_is_named_escaped(
        tmp_path: Path, registry: pr.Registry) -> None:
    result = read(tmp_path, "[" + RECORD + r'"value": 1, "\ud800": 1, "\ud800": 2}]', registry)
    assert errors(result) == [("bad_text", 1, r"\ud800"), ("duplicate_key", 1, r"\ud800")]
    for issue in result.issues:
        f"{issue.field}{issue.message.vi}{issue.message.en}{issue.text}".encode()


def test_an_object_without_a_list_of_records_is_bad_json(tmp_path: Path,
                                                         registry: pr.Registry) -> None:
    result = read(tmp_path, '{"a": 1, "a": 2}', registry)
    assert [(i.code, i.text) for i in result.issues] == [("bad_json", "dict")]


def test_the_list_of_records_given_twice_is_bad_json(tmp_path: Path,
                                                     registry: pr.Registry) -> None:
    # Reading either list would silently drop the other.
    result = read(tmp_path, '{"observations": [' + GOOD + '], "observations": []}', registry)
    assert errors(result) == [("bad_json", 1, None)]
    assert result.observations == () and result.accounted


# -- expensive cases, with resource limits: pytest -m slow tests/test_hostile_json.py --------

#: Run in a child process limited to this much address space and time: what they must fit.
_LIMIT_BYTES = 3 << 30
_LIMIT_SECONDS = 120

_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {tests!r})
import plan_rules as pr, sample_plugin
from plan_rules import builtin
registry = pr.load_registry(plugins=[sample_plugin, builtin], entry_points=False)
started = time.monotonic()
result = pr.read_observations({path!r}, registry=registry)
seconds = time.monotonic() - started
codes = {{}}
for issue in result.issues:
    codes[issue.code] = codes.get(issue.code, 0) + 1
print(json.dumps({{"seconds": seconds, "observations": len(result.observations),
                  "rows": result.rows, "codes": codes, "accounted": result.accounted,
                  # VmHWM: ru_maxrss would carry the parent's high-water mark across exec
                  "peak_mib": int(open("/proc/self/status").read().split("VmHWM:")[1]
                                  .split()[0]) / 1024}}))
"""


def _limited_read(path: Path) -> dict[str, object]:
    """Read ``path`` in a child process under an address-space and CPU limit; what it says."""
    import resource
    import subprocess
    import sys

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (_LIMIT_BYTES, _LIMIT_BYTES))
        resource.setrlimit(resource.RLIMIT_CPU, (_LIMIT_SECONDS, _LIMIT_SECONDS))

    code = _CHILD.format(tests=str(Path(__file__).parent), path=str(path))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=2 * _LIMIT_SECONDS, preexec_fn=limit, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    measured: dict[str, object] = json.loads(done.stdout)
    print(path.name, measured)  # the figures for docs/reliability.md (pytest -s)
    return measured


@pytest.mark.slow
def test_a_100_mb_number_literal_is_refused_within_limits(tmp_path: Path) -> None:
    path = tmp_path / "number.json"
    with path.open("w", encoding="utf-8") as out:
        out.write(RECORD + '"value": ')
        for _ in range(100):
            out.write("9" * 1_000_000)
        out.write("}")
    path.write_text("[" + path.read_text(encoding="utf-8") + "]", encoding="utf-8")
    measured = _limited_read(path)
    assert measured["codes"] == {"bad_number": 1} and measured["accounted"]


@pytest.mark.slow
def test_ten_million_levels_of_nesting_are_bad_json_within_limits(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 10_000_000 + "]" * 10_000_000, encoding="utf-8")
    measured = _limited_read(path)
    assert measured["codes"] == {"bad_json": 1}


@pytest.mark.slow
def test_half_a_million_hostile_records_are_each_named_within_limits(tmp_path: Path) -> None:
    hostile = [
        GOOD,
        RECORD + '"value": 1, "value": 2}',
        RECORD + '"value": 1, "giá trị": 2}',
        RECORD + '"value": 1e99999999}',
        RECORD + '"value": ' + "7" * 500 + "}",
        RECORD + r'"value": 1, "note": "\ud800"}',
        RECORD + '"value": NaN}',
        RECORD + '"value": ' + "[" * 50 + "]" * 50 + "}",
    ]
    count = 500_000
    path = tmp_path / "hostile.json"
    with path.open("w", encoding="utf-8") as out:
        out.write("[" + ",\n".join(hostile[n % len(hostile)] for n in range(count)) + "]")
    measured = _limited_read(path)
    assert measured["rows"] == count and measured["accounted"]
    assert measured["observations"] == count // len(hostile)
    codes = measured["codes"]
    assert isinstance(codes, dict)
    assert sum(codes.values()) == count - count // len(hostile)


def test_an_entities_file_is_held_to_the_same_rules(tmp_path: Path) -> None:
    path = write(tmp_path, '[{"code": "hy", "level": "province", "name": "Hưng Yên"}, '
                 '{"code": "c1", "mã": "c2", "level": "commune"}, '
                 r'{"code": "c3", "level": "commune", "name": "X\ud800"}]', "entities.json")
    result = pr.read_entities(path)
    assert errors(result) == [("duplicate_key", 2, "code"), ("bad_text", 3, "name")]
    assert [e.code for e in result.entities] == ["hy"] and result.accounted


def test_a_surrogate_in_the_decoded_text_itself_is_bad_text() -> None:
    # As a decoder keeping undecodable bytes (errors="surrogateescape") would hand it over.
    from plan_rules.jsonread import json_records

    issues: list[pr.DataIssue] = []
    total, records = json_records("[" + RECORD + '"value": 1, "note": "a\udc80"}]', "f.json",
                                  issues)
    assert (total, list(records)) == (1, [(1, {})])
    assert [(i.code, i.text) for i in issues] == [("bad_text", r"a\udc80")]
