"""A Vista-20P's rules, as its owner sees them on an alpha keypad.

The panel reacts to keys (``code + command``), zone changes and power
troubles, and tells the world through ``emit`` (one AD2 line at a time):
keypad messages on every change and every ``keypad_interval`` seconds, the
expander and RF messages of the zones' own hardware, and Contact ID reports
to the long-range radio (``!LRR``) carrying user and zone numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..clock import Clock, Timer
from . import lines
from .commands import run
from .keys import Cmd, Keyed, take
from .modes import (
    AWAY_MODES,
    BEEP_CHIME,
    BEEP_ERROR,
    BEEP_OK,
    HOME_MODES,
    NO_ENTRY_DELAY,
    Mode,
)
from .screens import screens
from .site import (
    FIRST_USER,
    INSTALLER,
    LAST_USER,
    MASTER,
    VistaSite,
    Wiring,
    Zone,
    ZoneKind,
)

#: A 3 pressed this soon after code + 3 makes it night-stay (code + 3 + 3).
NIGHT_WINDOW = 2.0
#: A keypad gives up on a half-typed sequence after this long.
KEY_TIMEOUT = 10.0
#: Function keys A/B/C: fire panic (zone 95), audible panic (99), medical (96).
PANICS = {"1": (95, 0x110), "2": (99, 0x123), "3": (96, 0x100)}
#: Contact ID event codes used here (SIA DC-05).
CID_OPEN_CLOSE, CID_STAY, CID_CANCEL = 0x401, 0x441, 0x406
CID_BURGLARY, CID_FIRE, CID_BYPASS = 0x130, 0x110, 0x570
CID_AC_LOSS, CID_LOW_BATTERY, CID_RF_SUPERVISION = 0x301, 0x302, 0x381


class VistaPanel:
    """One Vista-20P partition with its keypad bus, driven by a clock."""

    def __init__(
        self, site: VistaSite, clock: Clock, emit: Callable[[str], None]
    ) -> None:
        """Start disarmed, with every zone closed."""
        self.site = site
        self.clock = clock
        self.emit = emit
        self.zones: dict[int, Zone] = {n: replace(z) for n, z in site.zones.items()}
        self.codes: dict[int, str] = dict(site.codes)
        self.mode = Mode.DISARMED
        self.exit_until: float | None = None
        self.entry_until: float | None = None
        self.memory: list[int] = []  # alarm memory until a second OFF
        self.fire_zones: list[int] = []
        self.sounding = False
        self.chime = False
        self.ac_power = True
        self.battery_low = False
        self.programming = False
        self.beep_once = 0
        self._entry_zone = 0
        self._armed_at = float("-inf")
        self._keys = ""
        self._key_timer: Timer | None = None
        self._delay_timer: Timer | None = None
        self._screen = 0
        self._rotate: Timer | None = None

    # ----- keypad bus -------------------------------------------------

    def start(self) -> None:
        """Begin the periodic keypad messages."""
        self.refresh()

    def stop(self) -> None:
        """Stop every timer."""
        for timer in (self._rotate, self._delay_timer, self._key_timer):
            if timer is not None:
                timer.cancel()

    def refresh(self) -> None:
        """Send the current screen now, and again every interval."""
        shown = screens(self)
        state = shown[self._screen % len(shown)]
        if self.beep_once:
            state = replace(state, beeps=self.beep_once)
            self.beep_once = 0
        self.emit(lines.keypad(state))
        if self._rotate is not None:
            self._rotate.cancel()
        self._rotate = self.clock.call_later(self.site.keypad_interval, self._next)

    def _next(self) -> None:
        self._rotate = None
        self._screen += 1
        self.refresh()

    def changed(self, beeps: int = 0) -> None:
        """Something the keypad shows changed: show it from its first screen."""
        self._screen = 0
        if beeps:
            self.beep_once = beeps
        self.refresh()

    def report(self, data: int, qualifier: int, code: int) -> None:
        """Send a Contact ID event to the long-range radio."""
        self.emit(lines.lrr(data, 1, qualifier, code))

    # ----- keys -------------------------------------------------------

    def press(self, keys: str) -> None:
        """Take keys from a keypad (the AD2 included)."""
        self._keys += keys
        while True:
            after_stay = (
                self.mode is Mode.STAY
                and self.clock.time() - self._armed_at <= NIGHT_WINDOW
            )
            keyed, used = take(self._keys, after_stay=after_stay)
            if keyed is None:
                break
            self._keys = self._keys[used:]
            self._apply(keyed)
        if self._key_timer is not None:
            self._key_timer.cancel()
        self._key_timer = (
            self.clock.call_later(KEY_TIMEOUT, self._forget_keys)
            if self._keys
            else None
        )

    def _forget_keys(self) -> None:
        self._keys, self._key_timer = "", None

    def user_of(self, code: str) -> int | None:
        """Return the user number a code belongs to."""
        for number, known in self.codes.items():
            if known == code:
                return number
        return None

    def _apply(self, keyed: Keyed) -> None:
        if self.programming:
            if keyed.cmd is Cmd.EXIT_PROGRAM:
                self.programming = False
                self.changed(BEEP_OK)
            return
        if keyed.cmd is Cmd.NIGHT:
            self.mode = Mode.NIGHT
            self.changed(BEEP_OK)
            return
        if keyed.cmd is Cmd.PANIC:
            self.panic(keyed.arg)
            return
        if keyed.cmd in (Cmd.STAR, Cmd.POUND):
            self.changed()
            return
        user = self.user_of(keyed.code) if keyed.code else None
        if user is None:
            self.changed(BEEP_ERROR)
            return
        self.changed(BEEP_OK if run(self, keyed, user) else BEEP_ERROR)

    # ----- state the rules need ---------------------------------------

    def open_zones(self) -> list[Zone]:
        """Zones that keep the panel from being ready (faulted, not bypassed)."""
        return [
            zone
            for zone in self.zones.values()
            if (zone.faulted or zone.trouble) and not zone.bypassed
        ]

    def ready(self) -> bool:
        """Return whether the panel would arm now."""
        return (
            self.mode is Mode.DISARMED
            and not self.programming
            and not self.open_zones()
            and not self.fire_zones
        )

    def may_program(self, user: int) -> bool:
        """Only the master (02) and the installer (01) program users."""
        return user in (MASTER, INSTALLER) and self.mode is Mode.DISARMED

    @staticmethod
    def programmable(user: int, target: int) -> bool:
        """Users 03-49 by either; the master code only by the installer."""
        if FIRST_USER <= target <= LAST_USER:
            return True
        return target == MASTER and user == INSTALLER

    # ----- arming, delays and alarms ----------------------------------

    def arm(self, mode: Mode, user: int) -> None:
        """Arm with the exit delay running."""
        self.mode = mode
        self._armed_at = self.clock.time()
        self.memory.clear()
        self.exit_until = self.clock.time() + self.site.exit_delay
        self._schedule_delay()
        qualifier_code = CID_OPEN_CLOSE if mode in AWAY_MODES else CID_STAY
        self.report(user, 3, qualifier_code)

    def disarm(self, user: int) -> None:
        """Disarm (and silence); a second OFF clears the alarm memory."""
        was_armed = self.mode is not Mode.DISARMED or self.sounding
        if self.sounding:
            self.report(user, 1, CID_CANCEL)
        if self.mode is not Mode.DISARMED:
            self.report(user, 1, CID_OPEN_CLOSE)
        self.mode = Mode.DISARMED
        self.exit_until = self.entry_until = None
        self.sounding = False
        if self._delay_timer is not None:
            self._delay_timer.cancel()
            self._delay_timer = None
        if not was_armed:
            self.memory.clear()
        self.fire_zones = [  # a smoke detector still in alarm stays; panics end
            n for n in self.fire_zones if n in self.zones and self.zones[n].faulted
        ]
        for zone in self.zones.values():
            zone.bypassed = False

    def _schedule_delay(self) -> None:
        if self._delay_timer is not None:
            self._delay_timer.cancel()
        self._delay_timer = self.clock.call_later(1.0, self._delay_tick)

    def _delay_tick(self) -> None:
        """Count exit and entry delays down, one keypad message a second."""
        self._delay_timer = None
        now = self.clock.time()
        if self.exit_until is not None and now >= self.exit_until - 1e-6:
            self.exit_until = None
        if self.entry_until is not None and now >= self.entry_until - 1e-6:
            entry_zone, self.entry_until = self._entry_zone, None
            self.alarm(entry_zone)
            return
        if self.exit_until is not None or self.entry_until is not None:
            self._schedule_delay()
        self.changed()

    def alarm(self, number: int, code: int = CID_BURGLARY) -> None:
        """Sound the alarm for a zone and report it."""
        self.entry_until = None
        self.sounding = True
        if number not in self.memory:
            self.memory.append(number)
        self.report(number, 1, code)
        self.changed()

    def panic(self, key: str) -> None:
        """Sound a function key's panic zone (95 fire, 99 police, 96 medical)."""
        zone, code = PANICS.get(key, (0, 0))
        if not zone:
            return
        if code == CID_FIRE:
            self.fire_zones.append(zone)
        self.alarm(zone, code)

    # ----- the outside world: zones and power -------------------------

    def set_zone(self, number: int, faulted: bool) -> None:
        """Open or close a zone's sensor (wired, expander or RF)."""
        zone = self.zones[number]
        if zone.wiring is Wiring.EXPANDER:
            self.emit(lines.expander(zone.expander, zone.channel, faulted))
        elif zone.wiring is Wiring.RF:
            self.emit(self.rf_line(zone, faulted=faulted))
        if zone.faulted == faulted:
            return
        zone.faulted = faulted
        if faulted:
            self._faulted(zone)
            return
        self.changed()

    def rf_line(self, zone: Zone, *, faulted: bool, supervision: bool = False) -> str:
        """Return the 5800 transmitter's own message."""
        return lines.rfx(
            zone.serial,
            loop=zone.loop,
            faulted=faulted,
            battery_low=zone.battery_low,
            supervision=supervision,
        )

    def _faulted(self, zone: Zone) -> None:
        if zone.kind is ZoneKind.FIRE:
            if zone.number not in self.fire_zones:
                self.fire_zones.append(zone.number)
            self.alarm(zone.number, CID_FIRE)
            return
        if self.mode is Mode.DISARMED or zone.bypassed:
            self.changed(BEEP_CHIME if self.chime and self.mode is Mode.DISARMED else 0)
            return
        if self.exit_until is not None and zone.kind is not ZoneKind.PERIMETER:
            self.changed()
            return
        if zone.kind is ZoneKind.INTERIOR and (
            self.mode in HOME_MODES or self.entry_until is not None
        ):
            self.changed()
            return
        if zone.kind is ZoneKind.ENTRY_EXIT and self.mode not in NO_ENTRY_DELAY:
            if self.entry_until is None and not self.sounding:
                self.entry_until = self.clock.time() + self.site.entry_delay
                self._entry_zone = zone.number
                self._schedule_delay()
            self.changed()
            return
        self.alarm(zone.number)

    def set_trouble(self, number: int, trouble: bool) -> None:
        """Make an RF transmitter stop (or resume) checking in."""
        zone = self.zones[number]
        if zone.trouble != trouble:
            zone.trouble = trouble
            self.report(number, 1 if trouble else 3, CID_RF_SUPERVISION)
            self.changed()

    def set_zone_battery(self, number: int, low: bool) -> None:
        """Run an RF transmitter's battery low (or replace it)."""
        zone = self.zones[number]
        zone.battery_low = low
        if zone.wiring is Wiring.RF:
            self.emit(self.rf_line(zone, faulted=zone.faulted, supervision=True))

    def set_ac(self, on: bool) -> None:
        """Lose or restore mains power."""
        if self.ac_power != on:
            self.ac_power = on
            self.report(0, 3 if on else 1, CID_AC_LOSS)
            self.changed()

    def set_battery(self, low: bool) -> None:
        """Run the panel's standby battery low (or recharge it)."""
        if self.battery_low != low:
            self.battery_low = low
            self.report(0, 1 if low else 3, CID_LOW_BATTERY)
            self.changed()
