"""What a valid code + command does on a Vista-20P (true: one beep)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .keys import Cmd, Keyed
from .modes import Mode
from .site import INSTALLER, ZoneKind

if TYPE_CHECKING:
    from .vista import VistaPanel

_ARMING = {
    Cmd.AWAY: Mode.AWAY,
    Cmd.STAY: Mode.STAY,
    Cmd.MAX: Mode.MAX,
    Cmd.INSTANT: Mode.INSTANT,
}
#: Contact ID 570: zone bypass.
CID_BYPASS = 0x570


def run(panel: VistaPanel, keyed: Keyed, user: int) -> bool:
    """Carry out ``keyed`` for ``user``; return False for the error tone."""
    if keyed.cmd is Cmd.OFF:
        panel.disarm(user)
        return True
    if keyed.cmd in _ARMING:
        if not panel.ready():
            return False  # not ready: the faults stay on the display
        panel.arm(_ARMING[keyed.cmd], user)
        return True
    if keyed.cmd is Cmd.BYPASS:
        return _bypass(panel, keyed.arg, user)
    if keyed.cmd is Cmd.CHIME:
        if panel.mode is not Mode.DISARMED:
            return False
        panel.chime = not panel.chime
        return True
    if keyed.cmd is Cmd.CODE:
        return _program(panel, keyed.arg, user)
    if keyed.cmd is Cmd.PROGRAM_MODE:
        if user != INSTALLER or panel.mode is not Mode.DISARMED:
            return False
        panel.programming = True
        return True
    return False  # TEST, unknown commands: not emulated


def _bypass(panel: VistaPanel, arg: str, user: int) -> bool:
    """``code 6 ZZ`` bypasses one zone, ``code 6 #`` every faulted one."""
    del user
    if panel.mode is not Mode.DISARMED:
        return False
    if arg == "#":
        chosen = [
            zone
            for zone in panel.zones.values()
            if zone.faulted and zone.kind is not ZoneKind.FIRE
        ]
    else:
        zone = panel.zones.get(int(arg)) if arg.isdigit() else None
        if zone is None or zone.kind is ZoneKind.FIRE:
            return False
        chosen = [zone]
    for zone in chosen:
        if not zone.bypassed:
            zone.bypassed = True
            panel.report(zone.number, 1, CID_BYPASS)
    return True


def _program(panel: VistaPanel, arg: str, user: int) -> bool:
    """``code 8 NN CCCC`` sets user NN's code, ``code 8 NN #0`` deletes it."""
    if not panel.may_program(user) or not arg[:2].isdigit():
        return False
    target, value = int(arg[:2]), arg[2:]
    if not panel.programmable(user, target):
        return False
    if value == "#0":
        if target not in panel.codes or target < 3:
            return target >= 3  # deleting an empty slot is harmless
        del panel.codes[target]
        return True
    if not value.isdigit() or len(value) != 4:
        return False
    holder = panel.user_of(value)
    if holder is not None and holder != target:
        return False  # two users cannot share a code
    panel.codes[target] = value
    return True
