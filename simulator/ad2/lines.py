"""The AD2's line formats, written from its protocol documentation.

Every line the emulator sends is built here. The layouts follow the
AlarmDecoder protocol page (alarmdecoder.com wiki, "Protocol") and lines
captured from real panels in the ``nutechsoftware/alarmdecoder`` tests, e.g.::

    [00010001000000000A--],003,[f70000051003000008020000000000],"FAULT 03 ..."
    !EXP:07,01,01    !RFX:0180036,80    !LRR:099,1,CID_1123,ff
    !CONFIG>MODE=A&CONFIGBITS=ff04&ADDRESS=18&...    !Sending.done

Nothing here parses: the emulator shares no code with any AD2 client.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Characters on a 2x16 alpha keypad (6160): two lines of 16.
DISPLAY_WIDTH = 32

#: F7 raw-data prefix seen on real Vista captures: message type F7, then the
#: keypad address mask bytes and a constant the panel always sends.
_F7_HEAD = "f7000005"
_F7_TAIL = "020000000000"


@dataclass(frozen=True, slots=True)
class KeypadState:
    """What one keypad message says (the 20-character bit field and more)."""

    ready: bool = False
    armed_away: bool = False
    armed_home: bool = False
    backlight: bool = True
    programming: bool = False
    beeps: int = 0
    bypassed: bool = False
    ac_power: bool = True
    chime: bool = False
    alarm_occurred: bool = False
    alarm_sounding: bool = False
    battery_low: bool = False
    entry_delay_off: bool = False
    fire: bool = False
    check_zone: bool = False
    perimeter_only: bool = False
    zone: int = 8
    text: str = ""


def _bit(flag: bool) -> str:
    return "1" if flag else "0"


def bitfield(state: KeypadState) -> str:
    """Return the ``[...]`` bit field: 16 flags, system fault, panel type."""
    if not 0 <= state.beeps <= 7:
        raise ValueError("beeps is one octal digit")
    flags = (
        _bit(state.ready)
        + _bit(state.armed_away)
        + _bit(state.armed_home)
        + _bit(state.backlight)
        + _bit(state.programming)
        + str(state.beeps)
        + _bit(state.bypassed)
        + _bit(state.ac_power)
        + _bit(state.chime)
        + _bit(state.alarm_occurred)
        + _bit(state.alarm_sounding)
        + _bit(state.battery_low)
        + _bit(state.entry_delay_off)
        + _bit(state.fire)
        + _bit(state.check_zone)
        + _bit(state.perimeter_only)
    )
    # 17: system-specific fault digit (0 on a Vista), 18: 'A' for Ademco.
    return f"[{flags}0A--]"


def raw_data(state: KeypadState) -> str:
    """Return the F7 raw data: zone, beeps, and the two flag bytes.

    Byte layout from the keypad-bus notes (F7: byte2 fire 0x01, check 0x02,
    AC loss 0x08, ready 0x10, low battery 0x40, stay 0x80; byte3 alarm 0x01,
    away 0x04, AC power 0x08, bypass 0x10, chime 0x20, programming 0x40,
    instant 0x80).
    """
    byte2 = (
        (0x01 if state.fire else 0)
        | (0x02 if state.check_zone else 0)
        | (0x08 if not state.ac_power else 0)
        | (0x10 if state.ready else 0)
        | (0x40 if state.battery_low else 0)
        | (0x80 if state.armed_home else 0)
    )
    byte3 = (
        (0x01 if state.alarm_sounding else 0)
        | (0x04 if state.armed_away else 0)
        | (0x08 if state.ac_power else 0)
        | (0x10 if state.bypassed else 0)
        | (0x20 if state.chime else 0)
        | (0x40 if state.programming else 0)
        | (0x80 if state.entry_delay_off else 0)
    )
    zone = state.zone % 0x100
    return f"[{_F7_HEAD}10{zone:02x}{state.beeps:02x}{byte2:02x}{byte3:02x}{_F7_TAIL}]"


def display(line1: str, line2: str = "") -> str:
    """Lay two 16-character lines out as the keypad shows them."""
    return line1[:16].ljust(16) + line2[:16].ljust(16)


def keypad(state: KeypadState) -> str:
    """Return one keypad message (no ``!KPM:`` prefix: CONFIGBITS default)."""
    text = state.text[:DISPLAY_WIDTH].ljust(DISPLAY_WIDTH)
    if '"' in text:
        raise ValueError("a keypad display has no double quotes")
    return f'{bitfield(state)},{state.zone:03d},{raw_data(state)},"{text}"'


def expander(address: int, channel: int, faulted: bool) -> str:
    """Return a zone expander (4219) message: ``!EXP:aa,cc,vv``."""
    return f"!EXP:{address:02d},{channel:02d},{1 if faulted else 0:02d}"


def relay(address: int, channel: int, closed: bool) -> str:
    """Return a relay expander (4204) message: ``!REL:aa,cc,vv``."""
    return f"!REL:{address:02d},{channel:02d},{1 if closed else 0:02d}"


def rfx(
    serial: str,
    *,
    loop: int = 1,
    faulted: bool = False,
    battery_low: bool = False,
    supervision: bool = False,
) -> str:
    """Return a 5800-series RF message: ``!RFX:serial,status``.

    Status bits (the protocol page's RFX table): 0x02 low battery,
    0x04 supervision check-in, 0x80 loop 1, 0x20 loop 2, 0x10 loop 3,
    0x40 loop 4.
    """
    loop_bits = {1: 0x80, 2: 0x20, 3: 0x10, 4: 0x40}
    status = (
        (loop_bits[loop] if faulted else 0)
        | (0x02 if battery_low else 0)
        | (0x04 if supervision else 0)
    )
    return f"!RFX:{serial},{status:02x}"


def lrr(data: int, partition: int, qualifier: int, code: int) -> str:
    """Return a Contact ID LRR message: ``!LRR:ddd,p,CID_qccc,ff``.

    ``qualifier`` is 1 (new event / opening) or 3 (restore / closing);
    ``data`` is the user number for open/close, the zone otherwise.
    """
    return f"!LRR:{data:03d},{partition},CID_{qualifier}{code:03x},ff"


def version(serial: str, firmware: str, capabilities: tuple[str, ...]) -> str:
    """Return the answer to ``V``: ``!VER:serial,version,capabilities``."""
    return f"!VER:{serial},{firmware},{';'.join(capabilities)}"


def config(settings: dict[str, str]) -> str:
    """Return the answer to ``C``: ``!CONFIG>KEY=value&...``."""
    return "!CONFIG>" + "&".join(f"{key}={value}" for key, value in settings.items())


def sending(*, ok: bool = True) -> str:
    """Return a keypress acknowledgement (five dots: the bus refused it)."""
    return "!Sending.done" if ok else "!Sending.....done"
