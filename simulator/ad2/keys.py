r"""A Vista keypad's key sequences: code + command, as the panel reads them.

The AD2 passes raw keys to the panel (digits, ``*``, ``#`` and the function
keys ``\x01``-``\x04``, each sent three times). The panel reads
``code + command [+ argument]``; this module only splits the key stream into
those pieces, the panel (``vista.py``) decides what they mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Cmd(StrEnum):
    """What a key sequence asks for."""

    OFF = "1"
    AWAY = "2"
    STAY = "3"
    MAX = "4"
    TEST = "5"
    BYPASS = "6"
    INSTANT = "7"
    CODE = "8"
    CHIME = "9"
    PROGRAM_MODE = "800"  # installer code + 800
    NIGHT = "night"  # a 3 pressed again right after code + 3
    EXIT_PROGRAM = "*99"
    PANIC = "panic"
    STAR = "*"
    POUND = "#"
    UNKNOWN = "?"


@dataclass(frozen=True, slots=True)
class Keyed:
    """One complete sequence: the command, the code typed and its argument."""

    cmd: Cmd
    code: str = ""
    arg: str = ""


#: Function keys A-D (``\x01``..``\x04``), sent three times by the AD2.
FUNCTION_KEYS = {chr(n) * 3: str(n) for n in range(1, 5)}
_SIMPLE = {Cmd.OFF, Cmd.AWAY, Cmd.STAY, Cmd.MAX, Cmd.TEST, Cmd.INSTANT, Cmd.CHIME}


def take(buffer: str, *, after_stay: bool = False) -> tuple[Keyed | None, int]:
    """Read one sequence from the start of ``buffer``.

    Return the sequence and how many keys it used, or ``(None, 0)`` while it
    is still incomplete (the panel waits for more keys).
    """
    if not buffer:
        return None, 0
    first = buffer[0]
    if first in "\x01\x02\x03\x04":
        if len(buffer) < 3:
            return None, 0
        key = FUNCTION_KEYS.get(buffer[:3])
        if key is None:
            return Keyed(Cmd.UNKNOWN), 1
        return Keyed(Cmd.PANIC, arg=key), 3
    if first == "*":
        if buffer.startswith("*99"):
            return Keyed(Cmd.EXIT_PROGRAM), 3
        if len(buffer) < 3 and "*99".startswith(buffer):
            return None, 0
        return Keyed(Cmd.STAR), 1
    if first == "#":
        return Keyed(Cmd.POUND), 1
    if not first.isdigit():
        return Keyed(Cmd.UNKNOWN), 1
    if after_stay and first == "3":
        return Keyed(Cmd.NIGHT), 1
    return _coded(buffer)


def _coded(buffer: str) -> tuple[Keyed | None, int]:
    if len(buffer) < 5:
        return None, 0
    code, key = buffer[:4], buffer[4]
    if not code.isdigit():
        return Keyed(Cmd.UNKNOWN), 1
    if key == "6":
        rest = buffer[5:]
        if rest[:1] == "#":
            return Keyed(Cmd.BYPASS, code, "#"), 6
        if len(rest) < 2:
            return None, 0
        return Keyed(Cmd.BYPASS, code, rest[:2]), 7
    if key == "8":
        return _program(buffer, code)
    if key in _SIMPLE:
        return Keyed(Cmd(key), code), 5
    return Keyed(Cmd.UNKNOWN, code), 5


def _program(buffer: str, code: str) -> tuple[Keyed | None, int]:
    """``code 8 NN CCCC`` (add/change), ``code 8 NN #0`` (delete), ``code 800``."""
    rest = buffer[5:]
    if len(rest) < 2:
        return None, 0
    if rest[:2] == "00":
        return Keyed(Cmd.PROGRAM_MODE, code), 7
    user, value = rest[:2], rest[2:]
    if value[:1] == "#":
        if len(value) < 2:
            return None, 0
        return Keyed(Cmd.CODE, code, user + value[:2]), 9
    if len(value) < 4:
        return None, 0
    return Keyed(Cmd.CODE, code, user + value[:4]), 11
