"""What a Vista keypad's display means, and the keys that command it.

The partition's state comes from the keypad bits (armed away/home, alarm
sounding) and its text (``May Exit Now`` during the exit delay, ``DISARM
SYSTEM Or alarm occurs`` during the entry delay, ``NIGHT`` when night-stay).
Keys follow the Vista user guide: code + 1 off, + 2 away, + 3 stay, + 33
night-stay, + 4 maximum (away, no entry delay), + 7 instant (stay, no entry
delay), + 6 bypass (+ zone, or + # to bypass every faulted zone), + 9 chime,
+ 8 + user number + new code (or + #0 to delete) to program a user.

A command is confirmed by the keypad message that shows its result; the
panel's answer to a code it refuses is its error tone (several beeps where
a single beep acknowledges).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ..exceptions import AlarmHubRejectedError, ErrorCode
from ..models import ArmMode, ArmOption, PartitionState
from .messages import KeypadMessage

#: Beep count of the keypad's acknowledgement (one short beep).
ACK_BEEPS: Final = 1
#: Beep counts that mean "refused": the Vista's error tone. (4 and 5 are the
#: continuous fire/burglary sounders and 0 is silence: neither is an answer.)
ERROR_BEEPS: Final = frozenset({2, 3, 6, 7})
#: Vista user numbers a master code can program.
FIRST_USER: Final = 3
LAST_USER: Final = 49
CODE_LENGTH: Final = 4

DISARM_KEY: Final = "1"
BYPASS_KEY: Final = "6"
CHIME_KEY: Final = "9"
PROGRAM_USER_KEY: Final = "8"
#: (mode, no entry delay) -> arming keys after the code.
ARM_KEYS: Final = {
    (ArmMode.AWAY, False): "2",
    (ArmMode.AWAY, True): "4",
    (ArmMode.STAY, False): "3",
    (ArmMode.STAY, True): "7",
    (ArmMode.NIGHT, False): "33",
}
SUPPORTED_OPTIONS: Final = frozenset({ArmOption.FORCE_BYPASS, ArmOption.NO_ENTRY_DELAY})
_HELD_TEXTS = ("SYSTEM", "CHECK", "FAULT", "BYPAS", "AC LOSS", "LO BAT")


@dataclass(frozen=True, slots=True)
class KeypadState:
    """The partition as the keypad last showed it."""

    state: PartitionState
    arm_mode: ArmMode | None


def interpret(msg: KeypadMessage, previous: KeypadState) -> KeypadState:
    """Return the partition's state after ``msg``.

    Lines that show something else (``SYSTEM LO BAT``, a fault) keep the
    delay the previous line showed: the keypad alternates its texts.
    """
    text = msg.text.upper()
    if not msg.armed:
        state = PartitionState.TRIGGERED if msg.alarm_sounding else None
        return KeypadState(state or PartitionState.DISARMED, None)
    if msg.armed_away:
        mode = ArmMode.AWAY
    elif "NIGHT" in text or (previous.arm_mode is ArmMode.NIGHT and "STAY" not in text):
        mode = ArmMode.NIGHT
    else:
        mode = ArmMode.STAY
    if msg.alarm_sounding:
        return KeypadState(PartitionState.TRIGGERED, mode)
    if "MAY EXIT NOW" in text:
        return KeypadState(PartitionState.ARMING, mode)
    if "DISARM SYSTEM" in text or "ALARM OCCURS" in text:
        return KeypadState(PartitionState.PENDING, mode)
    held = (PartitionState.ARMING, PartitionState.PENDING, PartitionState.TRIGGERED)
    if text.startswith(_HELD_TEXTS) and previous.state in held:
        return KeypadState(previous.state, mode)
    armed = {
        ArmMode.AWAY: PartitionState.ARMED_AWAY,
        ArmMode.STAY: PartitionState.ARMED_STAY,
        ArmMode.NIGHT: PartitionState.ARMED_NIGHT,
    }
    return KeypadState(armed[mode], mode)


def check_code(code: str) -> str:
    """Return ``code`` if a Vista could take it; never send other keys.

    A code with other characters would be keypresses too (``*``, ``#``):
    it is refused as a wrong code before anything is sent.
    """
    if not (code.isascii() and code.isdigit() and len(code) == CODE_LENGTH):
        raise AlarmHubRejectedError(ErrorCode.INVALID_CODE, "not a valid code")
    return code


def arm_keys(mode: ArmMode, options: frozenset[ArmOption]) -> str:
    """Return the keys after the code that arm in ``mode`` with ``options``."""
    instant = ArmOption.NO_ENTRY_DELAY in options
    if (unsupported := options - SUPPORTED_OPTIONS) or (mode, instant) not in ARM_KEYS:
        names = sorted(o.value for o in (unsupported or options))
        raise AlarmHubRejectedError(
            ErrorCode.NOT_SUPPORTED,
            f"a Vista cannot arm {mode.value} with {', '.join(names)}",
            {"options": names},
        )
    return ARM_KEYS[mode, instant]


def arm_confirmed(msg: KeypadMessage, mode: ArmMode) -> bool:
    """Return True when ``msg`` shows the partition armed in ``mode``."""
    return msg.armed_away if mode is ArmMode.AWAY else msg.armed_home


def refused(msg: KeypadMessage) -> bool:
    """Return True when ``msg`` sounds the keypad's error tone."""
    return msg.beeps in ERROR_BEEPS and not msg.alarm_sounding
