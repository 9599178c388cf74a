"""User code policy shared by the client and the hub simulator.

A user code (PIN) is a string of ASCII digits. :func:`check_code` refuses a
code, raising :class:`CodeRejected`, when it is

* not made of the digits ``0``-``9`` only (reason ``not_digits``);
* shorter than ``min_length`` or longer than ``max_length`` (``length``);
* one of the well-known PINs in :data:`COMMON_CODES`, which holds the most
  used PINs and straight lines / corners on a phone-style keypad (``common``);
* a single digit repeated (``1111``) or a shorter block repeated
  (``1212``, ``121212``, ``123123``, ``12341234``) (``repeated``);
* an ascending or descending run of digits, where ``9`` is followed by ``0``
  (``3456``, ``98765``, ``8901``, ``1098``) (``sequential``);
* a four-digit code from ``1900`` to ``2099``, which looks like a year.
  Only four-digit codes are checked for years; longer codes are not searched
  for dates (``year``);
* equal to a code in ``taken``: the other users' codes and the duress code
  (``duplicate``).

The checks run in that order and the first failure is reported, so a weak
code that is also taken is reported as weak. Note that ``duplicate`` tells the
caller that somebody else uses the code; show it only to an administrator.

:func:`generate_code` draws codes from :mod:`secrets` until one passes.

A rejection never carries the code itself: codes are secrets and exception
messages end up in logs.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from itertools import pairwise
import secrets
from typing import Final

MIN_CODE_LENGTH: Final = 4
MAX_CODE_LENGTH: Final = 8
DEFAULT_CODE_LENGTH: Final = 6

#: Attempts :func:`generate_code` makes before it gives up.
MAX_GENERATE_ATTEMPTS: Final = 10_000

_DIGITS: Final = frozenset("0123456789")

#: Well-known PINs: the most used ones and keypad patterns.
COMMON_CODES: Final[frozenset[str]] = frozenset(
    {
        # Most used four-digit PINs.
        "0000", "1111", "1212", "1234", "7777", "1004", "2000", "4444",
        "2222", "6969", "9999", "3333", "5555", "6666", "1122", "1313",
        "8888", "4321", "2001", "1010", "0007", "1230", "2525", "5150",
        "5683", "0911", "1199", "1001", "1100", "0101", "4200", "1337",
        # Keypad lines, corners and crosses.
        "2580", "0852", "1470", "0741", "3690", "0963", "1478", "3698",
        "7896", "1236", "2468", "1357", "8520", "7410", "9630", "1379",
        "1397", "7913", "3179", "1590", "7530", "1593", "3571", "7532",
        # Six-digit PINs.
        "000000", "111111", "123456", "654321", "121212", "112233",
        "123123", "696969", "159753", "147258", "258369", "987654",
        "123321", "666666", "777777", "555555", "159357", "753951",
        "789456", "456789", "147852", "963852", "741852", "852963",
        "102030", "010203", "131313", "520520", "123654", "101010",
        "202020", "246810", "135790", "369258", "951753", "142536",
        # Eight-digit PINs.
        "00000000", "11111111", "12345678", "87654321", "12341234",
        "11223344", "12344321", "88888888", "14725836", "25802580",
        "11112222", "12121212",
    }
)  # fmt: skip


class CodeRejectReason(StrEnum):
    """Why :func:`check_code` refused a code."""

    NOT_DIGITS = "not_digits"
    LENGTH = "length"
    COMMON = "common"
    REPEATED = "repeated"
    SEQUENTIAL = "sequential"
    YEAR = "year"
    DUPLICATE = "duplicate"


_MESSAGES: Final[dict[CodeRejectReason, str]] = {
    CodeRejectReason.NOT_DIGITS: "the code must contain digits only",
    CodeRejectReason.LENGTH: "the code has the wrong length",
    CodeRejectReason.COMMON: "the code is too common",
    CodeRejectReason.REPEATED: "the code repeats a digit or a group of digits",
    CodeRejectReason.SEQUENTIAL: "the code is a run of consecutive digits",
    CodeRejectReason.YEAR: "the code looks like a year",
    CodeRejectReason.DUPLICATE: "the code is already in use",
}


class CodeRejected(ValueError):
    """A user code that does not follow the policy.

    The message describes the rule that was broken and never contains the
    code itself.
    """

    reason: CodeRejectReason

    def __init__(self, reason: CodeRejectReason, message: str | None = None) -> None:
        """Create the error for ``reason``, with a default message."""
        super().__init__(message or _MESSAGES[reason])
        self.reason = reason

    def __reduce__(self) -> tuple[type[CodeRejected], tuple[CodeRejectReason, str]]:
        """Pickle with the reason (the default would pass the message only)."""
        return (type(self), (self.reason, str(self)))


def _is_repeated_block(code: str) -> bool:
    """Return whether ``code`` is a shorter block repeated (``1111``, ``1212``)."""
    size = len(code)
    return any(
        size % block == 0 and code == code[:block] * (size // block)
        for block in range(1, size // 2 + 1)
    )


def _is_sequential(code: str) -> bool:
    """Return whether ``code`` is an ascending or descending run (9 wraps to 0)."""
    steps = {(int(b) - int(a)) % 10 for a, b in pairwise(code)}
    return steps in ({1}, {9})


def _is_year(code: str) -> bool:
    """Return whether ``code`` is a four-digit year from 1900 to 2099."""
    return len(code) == 4 and 1900 <= int(code) <= 2099


def check_code(
    code: str,
    *,
    taken: Collection[str] = (),
    min_length: int = MIN_CODE_LENGTH,
    max_length: int = MAX_CODE_LENGTH,
) -> None:
    """Raise :class:`CodeRejected` if ``code`` may not be used as a user code.

    ``taken`` holds the codes ``code`` must differ from (the other users'
    codes and the duress code); pass a set when it is large. A ``min_length``
    above ``max_length`` is a programming error and raises :class:`ValueError`.
    """
    if not 1 <= min_length <= max_length:
        raise ValueError("min_length must be at least 1 and at most max_length")
    if not _DIGITS.issuperset(code):
        raise CodeRejected(CodeRejectReason.NOT_DIGITS)
    if not min_length <= len(code) <= max_length:
        raise CodeRejected(
            CodeRejectReason.LENGTH,
            f"the code must have {min_length} to {max_length} digits",
        )
    if code in COMMON_CODES:
        raise CodeRejected(CodeRejectReason.COMMON)
    if _is_repeated_block(code):
        raise CodeRejected(CodeRejectReason.REPEATED)
    if _is_sequential(code):
        raise CodeRejected(CodeRejectReason.SEQUENTIAL)
    if _is_year(code):
        raise CodeRejected(CodeRejectReason.YEAR)
    if code in taken:
        raise CodeRejected(CodeRejectReason.DUPLICATE)


def generate_code(
    length: int = DEFAULT_CODE_LENGTH, *, taken: Collection[str] = ()
) -> str:
    """Return a random code of ``length`` digits that passes :func:`check_code`.

    Raises :class:`ValueError` for a length outside ``MIN_CODE_LENGTH`` to
    ``MAX_CODE_LENGTH`` and :class:`RuntimeError` if no acceptable code was
    found in :data:`MAX_GENERATE_ATTEMPTS` draws (``taken`` holds nearly every
    possible code).
    """
    if not MIN_CODE_LENGTH <= length <= MAX_CODE_LENGTH:
        raise ValueError(
            f"length must be {MIN_CODE_LENGTH} to {MAX_CODE_LENGTH} digits"
        )
    taken = frozenset(taken)
    space = 10**length
    for _ in range(MAX_GENERATE_ATTEMPTS):
        code = f"{secrets.randbelow(space):0{length}d}"
        try:
            check_code(code, taken=taken, min_length=length, max_length=length)
        except CodeRejected:
            continue
        return code
    raise RuntimeError("could not generate a code: nearly every code is taken")
