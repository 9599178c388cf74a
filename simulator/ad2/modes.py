"""Arming modes and the keypad's beep values."""

from __future__ import annotations

from enum import StrEnum

#: Beep digit values this emulator uses (the AD2 copies the panel's F7 beep
#: byte): one beep confirms, three beeps are the error tone, two are chime,
#: 4 is the fast continuous entry-delay warning.
BEEP_OK, BEEP_CHIME, BEEP_ERROR, BEEP_ENTRY = 1, 2, 3, 4


class Mode(StrEnum):
    """The partition's arming state."""

    DISARMED = "disarmed"
    AWAY = "away"
    STAY = "stay"
    NIGHT = "night"
    INSTANT = "instant"
    MAX = "max"


AWAY_MODES = frozenset({Mode.AWAY, Mode.MAX})
HOME_MODES = frozenset({Mode.STAY, Mode.NIGHT, Mode.INSTANT})
NO_ENTRY_DELAY = frozenset({Mode.INSTANT, Mode.MAX})
