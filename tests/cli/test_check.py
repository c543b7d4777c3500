"""Tests for `szo check` (szo_core.cli), run through click's CliRunner."""

from __future__ import annotations

import codecs
import re
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from hypothesis import assume, given
from hypothesis import strategies as st

from szo_core.cli import KINDS, MAX_LINE, main
from szo_core.errors import ValidationError
from szo_core.ids import creditor_id, davcna, emso, iban, mandate, reference

# Synthetic identifiers, each built with its module's check-digit function.
EMSO = emso.make(date(2019, 5, 17), emso.Sex.FEMALE)  # 1705019 50 500 + check digit
TAX = davcna.make("1234567")
IBAN = iban.make_si("02010", "00123456")  # NLB, LJBASI2X
CREDITOR = creditor_id.make(TAX)
MANDATE = mandate.suggest(555, 28)
REFERENCE = reference.make("SI08", "1236", "1", "34567")  # -> SI08 1236-17-345679


def _corrupt(number: str) -> str:
    """Change the last digit (the check digit in every kind used here)."""
    last = number[-1]
    return number[:-1] + str((int(last) + 1) % 10)


def run(*args: str, input: bytes | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input, env=env)


def test_main_is_a_click_group() -> None:
    assert isinstance(main, click.Group)
    assert "check" in main.commands


# -- each kind: valid and invalid ----------------------------------------------------------

VALID: dict[str, tuple[str, tuple[str, ...]]] = {
    # kind: (value, texts the English output must show)
    "emso": (
        EMSO,
        ("EMŠO: **********" + EMSO[-3:], "birth date: 2019-05-17", "sex: female", "50 Slovenija"),
    ),
    "davcna": (TAX, ("tax number: *****" + TAX[-3:],)),
    "tax-number": (TAX, ("tax number: *****" + TAX[-3:],)),
    "iban": (IBAN, ("IBAN: SI56 **** **** ***" + IBAN[-4] + " " + IBAN[-3:], "NLB", "LJBASI2X")),
    "trr": (iban.to_trr(IBAN), ("IBAN: SI56 **** ****", "LJBASI2X")),
    "creditor-id": (CREDITOR, ("SI", "business code: ZZZ", creditor_id.mask(CREDITOR))),
    "mandate": (MANDATE, ("mandate reference: " + mandate.mask(MANDATE),)),
    "reference": (REFERENCE, ("model: SI08", "parts: 1236-17-345679")),
}

INVALID: dict[str, tuple[str, str]] = {
    # kind: (value, error code)
    "emso": (_corrupt(EMSO), "emso.checksum"),
    "davcna": (_corrupt(TAX), "davcna.checksum"),
    "tax-number": ("123", "davcna.length"),
    "iban": (_corrupt(IBAN), "iban.checksum"),
    "trr": ("02010-00123456", "trr."),
    "creditor-id": (_corrupt(CREDITOR), "creditor_id."),
    "mandate": ("VRTEC 2024", "mandate.format"),
    "reference": (_corrupt(REFERENCE), "reference.checksum"),
}


def test_every_kind_has_examples() -> None:
    assert set(VALID) == set(INVALID) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(VALID))
def test_valid_value(kind: str) -> None:
    value, expected = VALID[kind]
    result = run("check", kind, value, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK\n")
    for text in expected:
        assert text in result.output


@pytest.mark.parametrize("kind", sorted(INVALID))
def test_invalid_value(kind: str) -> None:
    value, code = INVALID[kind]
    result = run("check", kind, value, "--lang", "en")
    assert result.exit_code == 1, result.output
    assert result.output.startswith("ERROR " + code)
    assert value not in result.output


def test_kind_names_are_forgiving() -> None:
    for kind, value in (
        ("TAX_NUMBER", TAX),
        ("Tax-Number", TAX),
        ("creditor_id", CREDITOR),
        (" EMSO ", EMSO),
    ):
        assert run("check", kind, value).exit_code == 0, kind


# -- personal numbers never appear in full --------------------------------------------------


@given(
    st.dates(date(1900, 1, 1), date(2024, 12, 31)),
    st.sampled_from(list(emso.Sex)),
    st.sampled_from(["sl", "en"]),
)
def test_valid_emso_output_never_shows_the_number(born: date, sex: emso.Sex, lang: str) -> None:
    number = emso.make(born, sex)
    result = run("check", "emso", number, "--lang", lang)
    assert result.exit_code == 0
    assert number not in result.output
    assert number[:7] not in result.output  # nor the date part as written in the number
    assert emso.format(number) not in result.output


@given(st.integers(1_000_000, 9_999_999), st.sampled_from(["davcna", "tax-number"]))
def test_valid_tax_number_output_never_shows_the_number(seven: int, kind: str) -> None:
    try:
        number = davcna.make(str(seven))
    except ValidationError:  # one in eleven has no check digit (S mod 11 == 0)
        assume(False)
        raise
    result = run("check", kind, number)
    assert result.exit_code == 0
    assert number not in result.output


@given(
    st.sampled_from(["02010", "03100", "05100", "19100", "10100", "04515"]),
    st.integers(0, 99_999_999),
)
def test_valid_iban_output_never_shows_the_account(bank_code: str, account: int) -> None:
    number = iban.make_si(bank_code, f"{account:08d}")
    for kind, value in (("iban", number), ("trr", iban.to_trr(number))):
        result = run("check", kind, value)
        assert result.exit_code == 0, result.output
        assert number not in result.output
        assert iban.format(number) not in result.output
        assert f"{account:08d}" not in result.output
        assert iban.to_trr(number) not in result.output


# -- --file ---------------------------------------------------------------------------------


def test_file_with_a_mix(tmp_path: Path) -> None:
    values = tmp_path / "values.txt"
    # line 1 valid, 2 blank (skipped), 3 invalid, 4 valid with spaces around, 5 blank
    values.write_text(f"{EMSO}\n\n{_corrupt(EMSO)}\n  {emso.format(EMSO)}  \n   \n", "utf-8")
    result = run("check", "emso", "--file", str(values), "--lang", "en")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 4  # three values and the summary
    assert lines[0].startswith("1: OK")
    assert lines[1].startswith("3: ERROR emso.checksum")
    assert lines[2].startswith("4: OK")
    assert lines[3] == "2 valid, 1 invalid"
    assert EMSO not in result.output
    assert _corrupt(EMSO) not in result.output


def test_file_all_valid_exits_zero_and_summarises_in_slovenian(tmp_path: Path) -> None:
    values = tmp_path / "values.txt"
    values.write_text(f"{TAX}\r\n{davcna.make('7654321')}\r\n", "utf-8")
    result = run("check", "davcna", "-f", str(values))
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "veljavnih: 2, neveljavnih: 0"


def test_file_with_byte_order_mark(tmp_path: Path) -> None:
    values = tmp_path / "values.txt"
    values.write_bytes(b"\xef\xbb\xbf" + IBAN.encode())
    result = run("check", "iban", "--file", str(values), "--lang", "en")
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "1 valid, 0 invalid"


def test_file_from_standard_input() -> None:
    result = run("check", "reference", "--file", "-", "--lang", "en", input=b"SI99\nSI12 1\n")
    # SI99 has no parts; "SI12 1" has one digit, which cannot carry a check digit
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == "1: OK  model: SI99; parts: (none)"
    assert result.output.splitlines()[-1] == "1 valid, 1 invalid"


def test_empty_file_is_all_valid(tmp_path: Path) -> None:
    values = tmp_path / "values.txt"
    values.write_text("\n\n", "utf-8")
    result = run("check", "iban", "--file", str(values), "--lang", "en")
    assert result.exit_code == 0
    assert result.output == "0 valid, 0 invalid\n"


# -- usage errors (exit 2) ------------------------------------------------------------------


def test_unknown_kind_lists_the_known_ones() -> None:
    result = run("check", "passport", "X123", "--lang", "en")
    assert result.exit_code == 2
    assert "Unknown kind 'passport'" in result.output
    for kind in KINDS:
        assert kind in result.output
    assert "Neznana vrsta" in run("check", "passport", "X123").output


def test_missing_file(tmp_path: Path) -> None:
    result = run("check", "emso", "--file", str(tmp_path / "nope.txt"), "--lang", "en")
    assert result.exit_code == 2
    assert "No such file" in result.output


def test_directory_instead_of_file(tmp_path: Path) -> None:
    result = run("check", "emso", "--file", str(tmp_path))
    assert result.exit_code == 2
    assert "mapa" in result.output


def test_non_utf8_line_is_reported_and_the_check_goes_on(tmp_path: Path) -> None:
    values = tmp_path / "values.txt"
    values.write_bytes(
        f"{EMSO}\n".encode() + "Šolar\n".encode("cp1250") + f"{TAX}\n{EMSO}\n".encode()
    )
    result = run("check", "emso", "--file", str(values), "--lang", "en")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("1: OK")
    assert lines[1] == "2: ERROR check.encoding: The line is not valid UTF-8 text; not checked."
    assert lines[2].startswith("3: ERROR emso.")
    assert lines[3].startswith("4: OK")
    assert lines[4] == "2 valid, 2 invalid"
    assert EMSO not in result.output
    slovenian = run("check", "emso", "--file", str(values))
    assert "2: NAPAKA check.encoding: Vrstica ni veljavno besedilo v kodiranju UTF-8" in (
        slovenian.output
    )


@pytest.mark.parametrize(
    "bad",
    [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"ok\xe2\x82"],
)
def test_every_kind_of_bad_utf8_is_one_reported_line(tmp_path: Path, bad: bytes) -> None:
    values = tmp_path / "values.txt"
    values.write_bytes(b"" + IBAN.encode() + b"\n" + bad + b"\n" + IBAN.encode())
    result = run("check", "iban", "--file", str(values), "--lang", "en")
    assert result.exit_code == 1
    assert result.output.splitlines()[1].startswith("2: ERROR check.encoding")
    assert result.output.splitlines()[-1] == "2 valid, 1 invalid"


def test_too_long_line_is_reported_and_skipped(tmp_path: Path) -> None:
    values = tmp_path / "values.txt"
    exactly = " " * (MAX_LINE - len(TAX)) + TAX  # 1,000 characters: still read
    values.write_text(
        f"{TAX}\n{'1' * (MAX_LINE + 1)}\n{exactly}\n{'x' * 5_000_000}\n{TAX}\n{'2' * 2000}",
        "utf-8",
    )
    result = run("check", "davcna", "--file", str(values), "--lang", "en")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "1: OK  tax number: *****" + TAX[-3:],
        "2: ERROR check.line_too_long: The line is longer than 1000 characters; not checked.",
        "3: OK  tax number: *****" + TAX[-3:],
        "4: ERROR check.line_too_long: The line is longer than 1000 characters; not checked.",
        "5: OK  tax number: *****" + TAX[-3:],
        "6: ERROR check.line_too_long: The line is longer than 1000 characters; not checked.",
        "3 valid, 3 invalid",
    ]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("option", [["--encoding", "utf-16"], ["--encoding", "UTF-16"], []])
def test_utf16_with_a_byte_order_mark(tmp_path: Path, codec: str, option: list[str]) -> None:
    bom = codecs.BOM_UTF16_LE if codec == "utf-16-le" else codecs.BOM_UTF16_BE
    values = tmp_path / "values.txt"
    values.write_bytes(bom + f"{EMSO}\r\n{_corrupt(EMSO)}\r\n{EMSO}".encode(codec))
    result = run("check", "emso", "--file", str(values), "--lang", "en", *option)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("1: OK  EMŠO: **********")
    assert lines[1].startswith("2: ERROR emso.checksum")
    assert lines[3] == "2 valid, 1 invalid"


def test_utf16_bad_line_and_missing_byte_order_mark(tmp_path: Path) -> None:
    values = tmp_path / "values.txt"
    lone = b"\x00\xd8"  # a high surrogate with no low one: not UTF-16
    values.write_bytes(
        codecs.BOM_UTF16_LE
        + f"{TAX}\n".encode("utf-16-le")
        + lone
        + f"1\n{TAX}\n".encode("utf-16-le")
    )
    result = run("check", "davcna", "-f", str(values), "--lang", "en", "--encoding", "utf-16")
    assert result.exit_code == 1
    assert result.output.splitlines()[1] == (
        "2: ERROR check.encoding: The line is not valid UTF-16 text; not checked."
    )
    assert result.output.splitlines()[-1] == "2 valid, 1 invalid"
    values.write_bytes(f"{TAX}\n".encode("utf-16-le"))
    missing = run("check", "davcna", "-f", str(values), "--lang", "en", "--encoding", "utf-16")
    assert missing.exit_code == 2
    assert "byte-order mark" in missing.output


def test_windows_1250(tmp_path: Path) -> None:
    values = tmp_path / "values.txt"
    # a reference line with Š: decoded as text in Windows-1250, so the reference
    # check reports it; 0x81 has no character in Windows-1250
    values.write_bytes(REFERENCE.encode() + b"\r\n" + "SI12 Š1".encode("cp1250") + b"\r\n\x81\r\n")
    result = run(
        "check", "reference", "-f", str(values), "--lang", "en", "--encoding", "windows-1250"
    )
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("1: OK  model: SI08")
    assert lines[1].startswith("2: ERROR reference.")
    assert (
        lines[2] == "3: ERROR check.encoding: The line is not valid Windows-1250 text; not checked."
    )
    assert run("check", "reference", "-f", str(values), "--encoding", "cp1250").exit_code == 1
    as_utf8 = run("check", "reference", "-f", str(values), "--lang", "en")
    assert as_utf8.output.splitlines()[1].startswith("2: ERROR check.encoding")


def test_line_ends_lf_crlf_and_cr(tmp_path: Path) -> None:
    values = tmp_path / "values.txt"
    values.write_bytes(f"{TAX}\r{TAX}\r\n\n{TAX}\n".encode())
    result = run("check", "davcna", "-f", str(values), "--lang", "en")
    assert [line[:4] for line in result.output.splitlines()] == ["1: O", "2: O", "4: O", "3 va"]


def test_unknown_encoding_is_a_usage_error(tmp_path: Path) -> None:
    values = tmp_path / "values.txt"
    values.write_text(TAX, "utf-8")
    result = run("check", "davcna", "-f", str(values), "--encoding", "latin-9")
    assert result.exit_code == 2


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0  # pragma: no cover - the process is gone


@pytest.mark.slow
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero and /proc")
def test_dev_zero_is_one_too_long_line_in_constant_memory() -> None:
    code = "import sys; from szo_core.cli import main; main(sys.argv[1:])"
    command = [sys.executable, "-c", code, "check", "emso", "--file", "/dev/zero", "--lang", "en"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        try:
            assert process.stdout is not None
            first = process.stdout.readline()  # flushed before the skip begins
            assert first == (
                b"1: ERROR check.line_too_long: The line is longer than 1000 characters; "
                b"not checked.\n"
            )
            samples = []
            for _ in range(20):  # two seconds: gigabytes of zeros are read meanwhile
                time.sleep(0.1)
                samples.append(_rss_kib(process.pid))
            assert process.poll() is None  # still reading, as `cat` would
        finally:
            process.kill()
    assert max(samples) < 100_000, samples  # KiB; it grew past 3 GB in 10 s before
    assert max(samples) - samples[2] < 2_000, samples


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_file_is_streamed_in_constant_memory(tmp_path: Path) -> None:
    # the peak resident memory (VmHWM, which unlike ru_maxrss does not inherit the
    # parent's peak through fork) of a child checking 20,000 and 300,000 short lines:
    # reading the whole file and a list of its lines added ~20 MB at 300,000
    code = (
        "import sys; from pathlib import Path; from szo_core.cli import main\n"
        "try:\n    main(sys.argv[1:])\n"
        "finally:\n"
        "    status = Path('/proc/self/status').read_text().splitlines()\n"
        "    print([s for s in status if s.startswith('VmHWM:')][0], file=sys.stderr)\n"
    )
    peaks = []
    for count in (20_000, 300_000):
        values = tmp_path / f"values-{count}.txt"
        # distinct short numbers, each refused at once (davcna.length)
        values.write_bytes(b"".join(b"%d\n" % n for n in range(count)))
        done = subprocess.run(
            [sys.executable, "-c", code, "check", "davcna", "-f", str(values)],
            capture_output=True,
            check=False,
        )
        assert done.returncode == 1
        assert done.stdout.endswith(f"veljavnih: 0, neveljavnih: {count}\n".encode())
        peaks.append(int(done.stderr.split()[-2]))
    assert peaks[1] - peaks[0] < 4_000, peaks  # KiB


def test_value_and_file_together_or_neither(tmp_path: Path) -> None:
    both = run("check", "emso", EMSO, "--file", str(tmp_path / "x"), "--lang", "en")
    assert both.exit_code == 2
    assert "not both" in both.output
    neither = run("check", "emso", "--lang", "en")
    assert neither.exit_code == 2
    assert "Missing VALUE" in neither.output


def test_language_from_environment() -> None:
    value, code = INVALID["emso"]
    english = run("check", "emso", value, env={"SZO_LANG": "en"})
    slovenian = run("check", "emso", value)
    assert english.output.startswith("ERROR " + code)
    assert slovenian.output.startswith("NAPAKA " + code)
    assert english.output != slovenian.output.replace("NAPAKA", "ERROR")


# -- import cost ----------------------------------------------------------------------------


def test_importing_the_cli_loads_no_identifier_module() -> None:
    code = (
        "import sys, szo_core.cli; "
        "heavy = ('szo_core.ids.', 'schwifty', 'stdnum', 'holidays', 'cattrs', 'rich'); "
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_python_dash_m_runs_the_cli() -> None:
    """``python -m szo_core`` is the ``szo`` command, under that name."""
    done = subprocess.run(
        [sys.executable, "-m", "szo_core", "check", "davcna", "12345679", "--lang", "en"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["OK", "  tax number: *****679"]
    usage = subprocess.run(
        [sys.executable, "-m", "szo_core", "--help"], capture_output=True, text=True, check=True
    )
    assert usage.stdout.startswith("Usage: szo ")
    assert {"check", "bill", "demo"} <= set(re.findall(r"^  (\w+)", usage.stdout, re.M))
