"""``check`` through the columnar path gives exactly the line-by-line path's output.

The line-by-line path is the reference (``LOGWATCH_TUI_COLUMNAR=0``); the columnar
path must print the same alert timeline (``--json``) and the same summary, on the
example logs and on generated files big enough to be cut into many byte ranges and
parsed by worker processes. Where the columnar path does not cover a file it must
say so (None) and the CLI must still print the reference answer.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from logwatch_tui.cli import main
from logwatch_tui.core.rules import load_rules
from logwatch_tui.ingest import check as ingest_check
from logwatch_tui.ingest.check import check_columnar, line_ranges

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_LOGS = sorted((ROOT / "examples" / "logs").iterdir())
EXAMPLE_RULES = ROOT / "examples" / "rules.toml"

# Every condition, literal and non-literal regexes, (?i), ignore, group_by on a regex
# group and on a parsed field, sources, and an absence rule that only the passing of
# time (lines no rule matches) can fire and resolve.
RULES = """
[[rules]]
id = "errors"
name = "Errors"
level = "error"
threshold = 3
window = "60s"
cooldown = "2m"

[[rules]]
id = "refused"
name = "Refused"
match = '(?i)connection (failed|refused) by (?P<peer>[\\d.]+)'
group_by = ["peer"]
threshold = 1
window = "1m"

[[rules]]
id = "slow-by-host"
name = "Slow by host"
match = 'slow query took \\d{3}ms'
ignore = 'took 1\\d\\dms'
group_by = ["host"]
threshold = 5
window = "5m"
cooldown = "1m"

[[rules]]
id = "no-literal"
name = "Digits only"
match = '\\d{2,}ms'
level = "warning"
threshold = 50
window = "30s"

[[rules]]
id = "heartbeat"
name = "Heartbeat missing"
condition = "absence"
match = 'pool exhausted'
window = "40s"
cooldown = "0s"

[[rules]]
id = "new-kind"
name = "New kind"
condition = "new_pattern"
level = "error"
learn = "20s"
cooldown = "1m"

[[rules]]
id = "spike"
name = "Failed spike"
condition = "spike"
match = 'failed'
window = "60s"
baseline = "5m"
factor = 2.0
threshold = 3
cooldown = "2m"

[[rules]]
id = "auth-only"
name = "Auth only"
match = 'refused'
sources = ["*/auth.log"]
threshold = 1
window = "1m"
"""


def _generate(path: Path, fmt: str, lines: int) -> Path:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "generate.py"),
            "--out",
            str(path),
            "--lines",
            str(lines),
            "--format",
            fmt,
            "--burst-every",
            "0.5",
        ],
        check=True,
    )
    return path


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("ingest")
    return {
        "syslog": _generate(d / "gen-syslog.log", "syslog", 20_000),
        "json": _generate(d / "gen.jsonl", "json", 14_000),
    }


@pytest.fixture(autouse=True)
def _columnar_for_small_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test files are small: let ``check`` take the columnar path for them too."""
    monkeypatch.setattr(ingest_check, "MIN_BYTES", 0)


@pytest.fixture
def rules_file(tmp_path: Path) -> Path:
    p = tmp_path / "rules.toml"
    p.write_text(RULES)
    return p


def _check(capsys, monkeypatch, *argv: str, columnar: bool) -> tuple[int, str, str]:
    monkeypatch.setenv("LOGWATCH_TUI_COLUMNAR", "1" if columnar else "0")
    code = main(["check", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def _same_as_reference(capsys, monkeypatch, *argv: str) -> str:
    ref = _check(capsys, monkeypatch, *argv, columnar=False)
    got = _check(capsys, monkeypatch, *argv, columnar=True)
    assert got == ref
    return got[1]


@pytest.mark.parametrize("log", EXAMPLE_LOGS, ids=lambda p: p.name)
@pytest.mark.parametrize("json_out", [True, False], ids=["json", "text"])
def test_examples_identical(capsys, monkeypatch, log: Path, json_out: bool) -> None:
    flags = ["--json"] if json_out else []
    _same_as_reference(capsys, monkeypatch, *flags, "--rules", str(EXAMPLE_RULES), str(log))


@pytest.mark.parametrize("fmt", ["syslog", "json"])
@pytest.mark.parametrize("json_out", [True, False], ids=["json", "text"])
def test_generated_identical(
    capsys, monkeypatch, caplog, generated, rules_file: Path, fmt: str, json_out: bool
) -> None:
    caplog.set_level("INFO", logger="logwatch_tui.ingest.check")
    flags = ["--json"] if json_out else []
    out = _same_as_reference(
        capsys, monkeypatch, *flags, "--rules", str(rules_file), str(generated[fmt])
    )
    # the CLI really took the columnar path for the generated file, all the way through
    assert "columnar path" in caplog.text and "line-by-line path" not in caplog.text
    if json_out:
        rules_seen = {line.split('"rule": "')[1].split('"')[0] for line in out.splitlines()}
        # the comparison means something only if the rules actually fired
        assert {"errors", "refused", "heartbeat", "new-kind"} <= rules_seen


@pytest.mark.parametrize("fmt", ["syslog", "json"])
@pytest.mark.parametrize("workers", [1, 2])
def test_columnar_covers_generated_files_in_many_ranges(
    capsys, monkeypatch, generated, rules_file: Path, fmt: str, workers: int
) -> None:
    """The columnar path itself (not a fallback) matches, whatever the range size."""
    path = str(generated[fmt])
    rules = load_rules(rules_file)
    _, ref, _ = _check(
        capsys, monkeypatch, "--json", "--rules", str(rules_file), path, columnar=False
    )
    import json

    for range_bytes in (40_000, 333_333):
        res = check_columnar(path, rules, workers=workers, range_bytes=range_bytes)
        assert res is not None, "the generated file must be covered by the columnar path"
        got = "".join(json.dumps(ev.to_json(), ensure_ascii=False) + "\n" for ev in res.events)
        assert got == ref
        assert res.total_lines == res.total_records == len(Path(path).read_bytes().splitlines())


def _write_with_tail(src: Path, dst: Path, tail: str) -> Path:
    dst.write_bytes(src.read_bytes() + tail.encode())
    return dst


@pytest.mark.parametrize(
    "tail",
    [
        'Traceback (most recent call last):\n  File "x.py", line 1\n',  # continuation lines
        "not a syslog line at all\n",  # a record of its own, level UNKNOWN
        "Dec 31 23:59:59 web-01 api[1]: ERROR caf\u00e9 connection refused by 10.0.0.1\n",
        "Jan  1 00:00:01 web-01 api[1]: ERROR year rollover\n",
        "Dec  4 10:00:00 web-01 api[1]: ERROR last line without newline",
    ],
    ids=["continuation", "unmatched", "non-ascii", "rollover", "no-final-newline"],
)
def test_shapes_outside_the_columnar_path_still_answer_the_same(
    capsys, monkeypatch, generated, rules_file: Path, tmp_path: Path, tail: str
) -> None:
    path = _write_with_tail(generated["syslog"], tmp_path / "mixed.log", tail)
    # (text output is compared on every example log above; JSON carries every field)
    _same_as_reference(capsys, monkeypatch, "--json", "--rules", str(rules_file), str(path))


def test_a_continuation_line_sends_the_file_to_the_line_by_line_path(
    generated, rules_file: Path, tmp_path: Path
) -> None:
    path = _write_with_tail(generated["syslog"], tmp_path / "tb.log", "  at Foo.bar(Foo.java:1)\n")
    assert check_columnar(str(path), load_rules(rules_file), workers=1, range_bytes=50_000) is None


def test_line_ranges_end_on_newlines_and_cover_the_rest(generated) -> None:
    path = str(generated["syslog"])
    data = Path(path).read_bytes()
    ranges = line_ranges(path, 1000, len(data), 12_345)
    assert ranges[0][0] == 1000 and ranges[-1][1] == len(data)
    for (_a, b), (c, _) in zip(ranges, ranges[1:]):
        assert b == c and data[b - 1 : b] == b"\n"


def _bsd(t: float) -> str:
    from datetime import datetime

    dt = datetime.fromtimestamp(t)
    return f"{dt:%b} {dt.day:>2} {dt:%H:%M:%S}"


@pytest.fixture(scope="module")
def out_of_order(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Lines no rule matches carry the clock: late lines among early errors, a quiet end."""
    import time

    t0 = time.time() - 3 * 86400
    rows = []
    t = t0
    for i in range(36_000):
        t += 0.1
        if i % 997 == 500:  # a line from 5 minutes ahead, then errors at the normal time
            rows.append(f"{_bsd(t + 300)} web-02 cron[7]: INFO clock from the future")
            for k in range(4):
                rows.append(f"{_bsd(t)} web-01 api[3]: ERROR pool exhausted: {k} waiting")
        else:
            rows.append(f"{_bsd(t)} web-01 api[3]: INFO request {i} done")
    for _ in range(4_000):  # ten quiet minutes: resolves and absences fire in here
        t += 0.15
        rows.append(f"{_bsd(t)} web-01 api[3]: INFO all quiet")
    path = tmp_path_factory.mktemp("ooo") / "ooo.log"
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize("workers", [1, 2])
def test_times_of_lines_no_rule_matches_still_move_the_clock(
    capsys, monkeypatch, out_of_order: Path, rules_file: Path, workers: int
) -> None:
    import json

    rules = load_rules(rules_file)
    _, ref, _ = _check(
        capsys, monkeypatch, "--json", "--rules", str(rules_file), str(out_of_order), columnar=False
    )
    assert '"resolved"' in ref and '"heartbeat"' in ref
    res = check_columnar(str(out_of_order), rules, workers=workers, range_bytes=100_000)
    assert res is not None
    got = "".join(json.dumps(ev.to_json(), ensure_ascii=False) + "\n" for ev in res.events)
    assert got == ref


def test_lines_that_stopped_matching_in_the_first_chunk_are_reported(
    capsys, monkeypatch, generated, rules_file: Path, tmp_path: Path
) -> None:
    path = tmp_path / "head.log"
    path.write_bytes(b"this line is no syslog header\n" + generated["syslog"].read_bytes())
    res = check_columnar(str(path), load_rules(rules_file), workers=2, range_bytes=200_000)
    assert res is not None and res.notice is not None and "did not match" in res.notice
    ref = _check(
        capsys, monkeypatch, "--json", "--rules", str(rules_file), str(path), columnar=False
    )
    got = _check(
        capsys, monkeypatch, "--json", "--rules", str(rules_file), str(path), columnar=True
    )
    assert got[:2] == ref[:2]
    assert "did not match format 'syslog'" in got[2]


CATASTROPHIC = r"""
[[rules]]
id = "evil"
name = "Evil"
match = '(\w+\s?)+$'
threshold = 1
window = "1m"
"""


def test_a_catastrophic_rule_regex_cannot_stall_the_workers(generated, tmp_path: Path) -> None:
    """The workers pre-select a rule's lines with the same bound as the engine's guard
    (longer messages stay candidates for the time-limited matcher), so a backtracking
    regex without a literal cannot hang ``check``: it answers as the line-by-line path."""
    path = tmp_path / "evil.log"
    evil = f"{_bsd(1_764_000_000)} web-01 api[1]: " + "a" * 40 + "!\n"
    path.write_bytes(evil.encode() + generated["syslog"].read_bytes())
    rules = tmp_path / "evil.toml"
    rules.write_text(CATASTROPHIC)
    code = (
        "import sys\n"
        "from logwatch_tui.ingest import check\n"
        "check.MIN_BYTES = 0\n"
        "from logwatch_tui.cli import main\n"
        f"sys.exit(main(['check', '--json', '--rules', {str(rules)!r}, {str(path)!r}]))\n"
    )

    def run(columnar: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "LOGWATCH_TUI_COLUMNAR": columnar},
        )

    got, ref = run("1"), run("0")
    assert got.returncode == ref.returncode and got.returncode in (0, 1), got.stderr
    assert got.stdout == ref.stdout and got.stdout


@pytest.mark.parametrize("wrong", ["year", "kind", "none"])
def test_workers_started_on_a_wrong_guess_cost_time_not_the_answer(
    capsys, monkeypatch, generated, rules_file: Path, wrong: str
) -> None:
    """Workers start on the ranges before detection ends, with a guessed plan; when the
    detected plan differs, their results are thrown away and the ranges parsed again."""
    import json
    from dataclasses import replace

    from logwatch_tui.core.formats import columnar

    real_guess = columnar.guess_columnar

    def bad_guess(lines):
        plan = real_guess(lines)
        assert plan is not None and plan.kind == "bsd-syslog"
        if wrong == "year":
            return replace(plan, year=plan.year - 1)
        if wrong == "kind":
            return columnar.ColumnarPlan("json", "json")
        return None

    monkeypatch.setattr(ingest_check, "guess_columnar", bad_guess)
    path = str(generated["syslog"])
    _, ref, _ = _check(
        capsys, monkeypatch, "--json", "--rules", str(rules_file), path, columnar=False
    )
    res = check_columnar(path, load_rules(rules_file), workers=2, range_bytes=100_000)
    assert res is not None
    got = "".join(json.dumps(ev.to_json(), ensure_ascii=False) + "\n" for ev in res.events)
    assert got == ref


@pytest.mark.parametrize("fmt", ["syslog", "json"])
def test_the_guess_is_the_detected_plan_on_generated_files(generated, fmt: str) -> None:
    from logwatch_tui.core.formats.columnar import compile_columnar, guess_columnar
    from logwatch_tui.core.formats.detect import SourceParser

    lines = ingest_check.split_lines(generated[fmt].read_bytes())[: ingest_check.FIRST_LINES]
    parser = SourceParser(str(generated[fmt]))
    parser.feed(lines, first_line=1)
    plan = compile_columnar(parser)
    guess = guess_columnar(lines)
    assert plan is not None and guess is not None and guess.work() == plan.work()


def test_the_first_lines_are_the_lines_check_probes_for_timestamps() -> None:
    from logwatch_tui.commands.timestamps import PROBE_LINES

    assert ingest_check.FIRST_LINES == PROBE_LINES


@pytest.mark.parametrize("untimed", [450, 100])
def test_a_file_whose_first_lines_carry_no_time_is_told_as_before(
    capsys, monkeypatch, generated, rules_file: Path, tmp_path: Path, untimed: int
) -> None:
    """The columnar path's first lines are ``check``'s timestamp probe: a file whose
    probe finds no time is reported (and left out) exactly as before."""
    path = tmp_path / "late-times.log"
    head = "".join(f"plain words only, line {i}\n" for i in range(untimed))
    path.write_bytes(head.encode() + generated["syslog"].read_bytes())
    code, _, err = _check(
        capsys, monkeypatch, "--rules", str(rules_file), str(path), columnar=False
    )
    assert (code == 2 and "no timestamps" in err) == (untimed >= 400)
    _same_as_reference(capsys, monkeypatch, "--rules", str(rules_file), str(path))


LOGHUB = ROOT.parent / "shared" / "data" / "loghub"


@pytest.mark.skipif(not LOGHUB.is_dir(), reason="shared loghub data not present")
@pytest.mark.parametrize("system", ["OpenSSH", "Linux"])
def test_real_syslog_files_answer_as_the_line_by_line_path(
    capsys, monkeypatch, rules_file: Path, system: str
) -> None:
    """Hosts, tags and first words as real systems write them (OpenSSH is read by the
    workers throughout; Linux has an empty message and goes line by line)."""
    import json

    path = str(LOGHUB / system / f"{system}_2k.log")
    _, ref, _ = _check(
        capsys, monkeypatch, "--json", "--rules", str(rules_file), path, columnar=False
    )
    res = check_columnar(path, load_rules(rules_file), workers=2, range_bytes=20_000)
    assert (res is not None) == (system == "OpenSSH")
    if res is not None:
        got = "".join(json.dumps(ev.to_json(), ensure_ascii=False) + "\n" for ev in res.events)
        assert got == ref
    _same_as_reference(capsys, monkeypatch, "--rules", str(rules_file), path)


def test_line_ranges_find_the_end_of_lines_longer_than_a_read(tmp_path: Path) -> None:
    path = tmp_path / "long.log"
    lines = [("x" * (i * 997 % 150_000)) + "\n" for i in range(60)]
    data = "".join(lines).encode()
    path.write_bytes(data)
    ranges = line_ranges(str(path), 0, len(data), 30_000)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(data)
    for (_a, b), (c, _) in zip(ranges, ranges[1:]):
        assert b == c and data[b - 1 : b] == b"\n"


def test_a_compressed_file_is_read_for_its_content(
    capsys, monkeypatch, generated, rules_file: Path, tmp_path: Path
) -> None:
    import gzip

    path = tmp_path / "old.log.gz"
    path.write_bytes(gzip.compress(generated["syslog"].read_bytes()))
    assert check_columnar(str(path), load_rules(rules_file), workers=2) is None
    out = _same_as_reference(capsys, monkeypatch, "--rules", str(rules_file), str(path))
    assert "20000 records in 20000 lines" in out


def test_a_worker_that_dies_sends_the_file_to_the_line_by_line_path(
    capsys, monkeypatch, generated, rules_file: Path
) -> None:
    """A worker process that ends mid-way (killed, out of memory) costs speed only."""
    real = ingest_check._parse_task

    def dies_past_a_third(task: tuple):
        if task[1] > third:
            os._exit(3)
        return real(task)

    path = str(generated["syslog"])
    third = Path(path).stat().st_size // 3
    monkeypatch.setattr(ingest_check, "_parse_task", dies_past_a_third)
    assert check_columnar(path, load_rules(rules_file), workers=2, range_bytes=100_000) is None
    monkeypatch.setattr(ingest_check, "_parse_task", real)
    _same_as_reference(capsys, monkeypatch, "--json", "--rules", str(rules_file), path)


def test_when_most_lines_are_rule_candidates_check_takes_the_line_path(
    capsys, monkeypatch, generated, tmp_path: Path
) -> None:
    """Shipping every line from the workers costs more than parsing it in the engine's
    process: a rule without a literal that most lines may match sends check line by line,
    with the same answer."""
    rules_file = tmp_path / "dense.toml"
    rules_file.write_text(
        '[[rules]]\nname = "per-host"\nmatch = \'(?P<word>\\w+)\'\ngroup_by = "word"\n'
        'threshold = 50\nwindow = "1m"\n'
    )
    path = str(generated["syslog"])
    assert check_columnar(path, load_rules(rules_file), workers=1, range_bytes=50_000) is None
    _same_as_reference(capsys, monkeypatch, "--json", "--rules", str(rules_file), path)
