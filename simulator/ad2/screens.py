"""What the alpha keypad shows: the screens the panel cycles through."""

from __future__ import annotations

from dataclasses import replace
import math
from typing import TYPE_CHECKING

from .lines import KeypadState, display
from .modes import AWAY_MODES, BEEP_ENTRY, HOME_MODES, NO_ENTRY_DELAY, Mode

if TYPE_CHECKING:
    from .vista import VistaPanel

#: Top lines of the armed displays (16 characters each).
ARMED_TEXT = {
    Mode.AWAY: "ARMED ***AWAY***",
    Mode.STAY: "ARMED ***STAY***",
    Mode.NIGHT: "ARMED NIGHT-STAY",
    Mode.INSTANT: "ARMED *INSTANT*",
    Mode.MAX: "ARMED *MAXIMUM*",
}
#: The numeric field of a message that names no zone (as real captures show).
NO_ZONE = 8


def _long(text: str) -> str:
    """Run a zone line (``FAULT 05 FRONT DOOR``) over both keypad lines."""
    return text[:32].ljust(32).upper()


def _base(panel: VistaPanel) -> KeypadState:
    return KeypadState(
        ready=panel.ready(),
        armed_away=panel.mode in AWAY_MODES,
        armed_home=panel.mode in HOME_MODES,
        backlight=True,
        programming=panel.programming,
        bypassed=any(zone.bypassed for zone in panel.zones.values()),
        ac_power=panel.ac_power,
        chime=panel.chime,
        alarm_occurred=bool(panel.memory),
        alarm_sounding=panel.sounding,
        battery_low=panel.battery_low,
        entry_delay_off=panel.mode in NO_ENTRY_DELAY,
        fire=bool(panel.fire_zones),
        check_zone=any(zone.trouble for zone in panel.zones.values()),
        perimeter_only=panel.mode in HOME_MODES,
        zone=NO_ZONE,
    )


def _with(
    base: KeypadState, text: str, zone: int = NO_ZONE, beeps: int = 0
) -> KeypadState:
    return replace(base, text=text, zone=zone, beeps=beeps)


def screens(panel: VistaPanel) -> list[KeypadState]:
    """Every screen the keypad cycles through now (never empty)."""
    base = _base(panel)
    shown: list[KeypadState] = []
    for number in panel.fire_zones:
        shown.append(
            _with(base, _long(f"FIRE {number:02d} {_name(panel, number)}"), number)
        )
    for number in panel.memory:
        if number not in panel.fire_zones:
            shown.append(
                _with(base, _long(f"ALARM {number:02d} {_name(panel, number)}"), number)
            )
    if panel.programming:
        return [_with(base, display("Program Mode", "*Fill  #View-00"))]
    if panel.entry_until is not None:
        shown.insert(
            0,
            _with(base, display("DISARM SYSTEM", "Or alarm occurs"), beeps=BEEP_ENTRY),
        )
    if panel.mode is not Mode.DISARMED:
        shown.append(_with(base, _armed_text(panel)))
    else:
        shown.extend(_disarmed(panel, base))
    for zone in panel.zones.values():
        if zone.bypassed:
            shown.append(
                _with(base, _long(f"BYPAS {zone.number:02d} {zone.name}"), zone.number)
            )
    return shown


def _name(panel: VistaPanel, number: int) -> str:
    zone = panel.zones.get(number)
    return zone.name if zone is not None else ""


def _armed_text(panel: VistaPanel) -> str:
    top = ARMED_TEXT[panel.mode]
    if panel.exit_until is not None:
        left = max(0, math.ceil(panel.exit_until - panel.clock.time() - 1e-6))
        return display(top, f"May Exit Now  {left:>2d}")
    if any(zone.bypassed for zone in panel.zones.values()):
        return display(top, "ZONE BYPASSED")
    return display(top)  # captured: "ARMED ***AWAY***" and a blank second line


def _disarmed(panel: VistaPanel, base: KeypadState) -> list[KeypadState]:
    shown: list[KeypadState] = []
    for zone in panel.zones.values():
        if zone.bypassed:
            continue
        if zone.faulted:
            shown.append(
                _with(base, _long(f"FAULT {zone.number:02d} {zone.name}"), zone.number)
            )
        elif zone.trouble:
            shown.append(
                _with(base, _long(f"CHECK {zone.number:02d} {zone.name}"), zone.number)
            )
    if not panel.ac_power:
        shown.append(_with(base, display("AC LOSS")))
    if panel.battery_low:
        shown.append(_with(base, display("SYSTEM LO BAT")))
    if base.ready:
        if panel.chime:
            top = "DISARMED CHIME"
        elif base.bypassed:
            top = "DISARMED BYPASS"
        else:
            top = "****DISARMED****"
        shown.insert(0, _with(base, display(top, "  Ready to Arm")))
    elif not shown:
        shown.append(_with(base, display("DISARMED", "Hit * for faults")))
    return shown
