"""Tests for the user code policy (plain pytest, no Home Assistant)."""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
import pickle
import secrets

from hypothesis import given, strategies as st
import pytest

from custom_components.alarmhub.panels.hub import codes
from custom_components.alarmhub.panels.hub.codes import (
    COMMON_CODES,
    DEFAULT_CODE_LENGTH,
    MAX_CODE_LENGTH,
    MIN_CODE_LENGTH,
    CodeRejected,
    CodeRejectReason,
    check_code,
    generate_code,
)

R = CodeRejectReason


# Independent oracles, written differently from the module on purpose.
def all_same(code: str) -> bool:
    return len(set(code)) == 1


def sequential(code: str) -> bool:
    up = "01234567890123456789"
    down = up[::-1]
    return code in up or code in down


def repeated_block(code: str) -> bool:
    return any(
        code == code[:n] * (len(code) // n) and len(code) % n == 0
        for n in range(1, len(code))
    )


def year(code: str) -> bool:
    return len(code) == 4 and code[:2] in ("19", "20")


def acceptable(code: str, taken: frozenset[str] = frozenset()) -> bool:
    return (
        code.isascii()
        and code.isdigit()
        and MIN_CODE_LENGTH <= len(code) <= MAX_CODE_LENGTH
        and code not in COMMON_CODES
        and not all_same(code)
        and not sequential(code)
        and not repeated_block(code)
        and not year(code)
        and code not in taken
    )


def rejection(code: str, **kwargs: object) -> CodeRejected:
    with pytest.raises(CodeRejected) as info:
        check_code(code, **kwargs)  # type: ignore[arg-type]
    return info.value


def test_constants() -> None:
    assert (MIN_CODE_LENGTH, MAX_CODE_LENGTH, DEFAULT_CODE_LENGTH) == (4, 8, 6)
    assert {r.value for r in R} == {
        "not_digits",
        "length",
        "common",
        "repeated",
        "sequential",
        "year",
        "duplicate",
    }


def test_common_codes_list() -> None:
    assert len(COMMON_CODES) >= 50
    for code in COMMON_CODES:
        assert code.isascii() and code.isdigit()
        assert MIN_CODE_LENGTH <= len(code) <= MAX_CODE_LENGTH
    # The ones the policy names explicitly, keypad patterns included.
    assert {
        "1234", "1111", "0000", "1212", "7777", "2580", "1004", "2000", "4444",
        "2222", "6969", "9999", "3333", "5555", "6666", "1122", "1313", "8888",
        "4321", "2001", "1010", "123456", "654321", "121212", "112233", "123123",
        "696969", "159753", "147258", "258369", "987654", "000000",
    } <= COMMON_CODES  # fmt: skip


CASES: list[tuple[str, CodeRejectReason]] = [
    ("12a456", R.NOT_DIGITS),
    ("12 345", R.NOT_DIGITS),
    ("-12345", R.NOT_DIGITS),
    ("123456\n", R.NOT_DIGITS),
    ("\u0661\u0662\u0663\u0664\u0665", R.NOT_DIGITS),  # Arabic-Indic digits
    ("\u00b2\u00b3\u00b9\u00b2", R.NOT_DIGITS),  # superscripts: isdigit() is True
    ("", R.LENGTH),
    ("905", R.LENGTH),
    ("905172638", R.LENGTH),
    ("2580", R.COMMON),
    ("1004", R.COMMON),
    ("5683", R.COMMON),
    ("147258", R.COMMON),
    ("159753", R.COMMON),
    ("14725836", R.COMMON),
    ("3838", R.REPEATED),
    ("8383", R.REPEATED),
    ("838383", R.REPEATED),
    ("307307", R.REPEATED),
    ("39393939", R.REPEATED),
    ("58015801", R.REPEATED),
    ("7777777", R.REPEATED),
    ("66666666", R.REPEATED),
    ("3456", R.SEQUENTIAL),
    ("98765", R.SEQUENTIAL),
    ("8901", R.SEQUENTIAL),
    ("1098", R.SEQUENTIAL),
    ("567890", R.SEQUENTIAL),
    ("90123456", R.SEQUENTIAL),
    ("3210987", R.SEQUENTIAL),
    ("1900", R.YEAR),
    ("1984", R.YEAR),
    ("2024", R.YEAR),
    ("2099", R.YEAR),
]


@pytest.mark.parametrize(("code", "reason"), CASES)
def test_rejection_reason(code: str, reason: CodeRejectReason) -> None:
    if reason is not R.COMMON:
        assert code not in COMMON_CODES  # the case must test its own rule
    err = rejection(code)
    assert err.reason is reason
    assert isinstance(err, ValueError)
    assert not acceptable(code)


@pytest.mark.parametrize("code", ["7350", "1899", "2100", "835142", "29471638"])
def test_accepted(code: str) -> None:
    check_code(code)
    assert acceptable(code)


def test_duplicate() -> None:
    taken = ["835142", "7350"]
    assert rejection("7350", taken=taken).reason is R.DUPLICATE
    assert rejection("835142", taken=set(taken)).reason is R.DUPLICATE
    check_code("835143", taken=taken)


def test_weak_code_is_reported_as_weak_even_when_taken() -> None:
    assert rejection("2580", taken={"2580"}).reason is R.COMMON
    assert rejection("3456", taken={"3456"}).reason is R.SEQUENTIAL


def test_length_limits_are_parameters() -> None:
    assert rejection("835142", max_length=5).reason is R.LENGTH
    assert rejection("7350", min_length=5).reason is R.LENGTH
    check_code("7350", min_length=4, max_length=4)
    err = rejection("905172638")
    assert "4" in str(err) and "8" in str(err)  # tells the user the limits
    with pytest.raises(ValueError) as info:
        check_code("7350", min_length=6, max_length=5)
    assert not isinstance(info.value, CodeRejected)


@pytest.mark.parametrize(
    ("code", "taken"),
    [(code, ()) for code, _ in CASES if code] + [("7350", ("7350",))],
)
def test_message_never_contains_the_code(code: str, taken: tuple[str, ...]) -> None:
    err = rejection(code, taken=taken)
    for text in (str(err), repr(err), repr(err.args)):
        assert code not in text


#: Every message check_code produces with the default limits: a message is
#: chosen by the reason alone, so it cannot depend on (or leak) the code.
MESSAGES = {str(CodeRejected(reason)) for reason in R} | {
    "the code must have 4 to 8 digits"
}


@given(st.text(max_size=12))
def test_any_text_is_checked_without_leaking(code: str) -> None:
    try:
        check_code(code, taken={"7350"})
    except CodeRejected as err:
        assert str(err) in MESSAGES
        assert err.args == (str(err),)
        assert not acceptable(code, frozenset({"7350"}))
    else:
        assert acceptable(code, frozenset({"7350"}))


@given(st.text(alphabet="0123456789", min_size=4, max_size=8))
def test_digit_strings_match_the_oracle(code: str) -> None:
    try:
        check_code(code)
    except CodeRejected as err:
        assert not acceptable(code)
        assert code not in str(err)
    else:
        assert acceptable(code)


def test_exception_pickles_with_its_reason() -> None:
    err = rejection("3456")
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is CodeRejected
    assert copy.reason is R.SEQUENTIAL
    assert str(copy) == str(err)


def _generated(count: int, length: int, taken: frozenset[str]) -> Iterator[str]:
    for _ in range(count):
        yield generate_code(length, taken=taken)


def test_generate_100k_codes() -> None:
    taken: set[str] = set()
    while len(taken) < 200:
        taken.add(generate_code(DEFAULT_CODE_LENGTH))
    frozen = frozenset(taken)
    positions: list[Counter[str]] = [Counter() for _ in range(DEFAULT_CODE_LENGTH)]
    seen = 0
    for code in _generated(100_000, DEFAULT_CODE_LENGTH, frozen):
        check_code(code, taken=frozen)
        assert len(code) == DEFAULT_CODE_LENGTH
        assert code not in COMMON_CODES
        assert code not in frozen
        assert not all_same(code)
        assert not sequential(code)
        assert not repeated_block(code)
        for counter, digit in zip(positions, code, strict=True):
            counter[digit] += 1
        seen += 1
    assert seen == 100_000
    # Every digit in every position, roughly uniformly (expected 10,000 each,
    # standard deviation about 95).
    for counter in positions:
        assert set(counter) == set("0123456789")
        assert all(9_000 < n < 11_000 for n in counter.values())


@pytest.mark.parametrize("length", [MIN_CODE_LENGTH, 5, 7, MAX_CODE_LENGTH])
def test_generate_other_lengths(length: int) -> None:
    taken = frozenset(generate_code(length) for _ in range(50))
    for code in _generated(10_000, length, taken):
        check_code(code, taken=taken)
        assert len(code) == length
        assert acceptable(code, taken)


def test_generate_default_length() -> None:
    assert len(generate_code()) == DEFAULT_CODE_LENGTH


@pytest.mark.parametrize("length", [0, 3, 9, -1])
def test_generate_bad_length(length: int) -> None:
    with pytest.raises(ValueError):
        generate_code(length)


def test_generate_uses_secrets_and_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    draws = iter([123456, 111111, 345678, 121212, 835142])
    calls: list[int] = []

    def randbelow(n: int) -> int:
        calls.append(n)
        return next(draws)

    monkeypatch.setattr(secrets, "randbelow", randbelow)
    assert generate_code(6) == "835142"
    assert calls == [10**6] * 5


def test_generate_keeps_leading_zeros(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(secrets, "randbelow", lambda n: 73)
    assert generate_code(6) == "000073"


def test_generate_gives_up_when_everything_is_taken() -> None:
    valid = [f"{n:04d}" for n in range(10_000) if acceptable(f"{n:04d}")]  # about 9,700
    free = set(valid[:100])
    taken = frozenset(valid) - free
    for _ in range(100):
        assert generate_code(4, taken=taken) in free
    with pytest.raises(RuntimeError):
        generate_code(4, taken=frozenset(valid))


def test_module_is_home_assistant_free() -> None:
    tree = ast.parse(Path(codes.__file__).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        assert not any(name.split(".")[0] == "homeassistant" for name in names)
