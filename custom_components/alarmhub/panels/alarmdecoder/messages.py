"""A typed adapter over the ``alarmdecoder`` package's message classes.

This is the one module that touches the untyped library: every AD2 line goes
through :func:`parse_line`, which returns a frozen, typed record or None
(junk, a truncated line, or a kind we do not use). The library's keypad,
expander, RF, LRR and AUI classes parse; the AD2's own answers (``!VER``,
``!CONFIG``, ``!Sending``, ``!Ready``) have no class there and are read here.

Nothing here logs a line: a keypad line echoes nothing we typed, but the
caller decides what is safe to log.
"""

from __future__ import annotations

from dataclasses import dataclass
import re
from typing import Any

from alarmdecoder.messages import (  # type: ignore[import-untyped]
    AUIMessage,
    ExpanderMessage,
    LRRMessage,
    Message,
    RFMessage,
)
from alarmdecoder.panels import DSC  # type: ignore[import-untyped]
from alarmdecoder.util import InvalidMessageError  # type: ignore[import-untyped]

#: A line longer than this is junk (a keypad line is about 100 characters).
MAX_LINE = 512


@dataclass(frozen=True, slots=True, kw_only=True)
class KeypadMessage:
    """One keypad display update (the bit field, the zone number, the text)."""

    ready: bool
    armed_away: bool
    armed_home: bool
    programming: bool
    beeps: int
    zone_bypassed: bool
    ac_power: bool
    chime: bool
    alarm_occurred: bool
    alarm_sounding: bool
    battery_low: bool
    entry_delay_off: bool
    fire: bool
    check_zone: bool
    perimeter_only: bool
    dsc: bool
    numeric_code: str
    text: str
    mask: int

    @property
    def armed(self) -> bool:
        """Return True when armed in any mode."""
        return self.armed_away or self.armed_home

    @property
    def zone(self) -> int | None:
        """Return the zone number the message is about (decimal), if any."""
        code = self.numeric_code
        if code.isdigit():
            return int(code)
        if (match := re.match(r"^\s*\w+\s+(\d+)", self.text)) is not None:
            return int(match.group(1))  # e.g. zone 191 (0BF): "CHECK 1"
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpanderReport:
    """A zone (or relay) expander channel changed: ``!EXP`` / ``!REL``."""

    address: int
    channel: int
    value: int
    relay: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class RFReport:
    """A 5800-series wireless sensor's report: ``!RFX``."""

    serial: str
    value: int
    battery_low: bool
    supervision: bool
    loops: tuple[bool, bool, bool, bool]


@dataclass(frozen=True, slots=True, kw_only=True)
class LRRReport:
    """A long-range radio report: ``!LRR`` (who armed, alarms, ...)."""

    event_data: str
    partition: str
    event_type: str
    #: Contact ID (or other) code of a version 2 report, else None.
    event_code: int | None
    #: 1 = event (trigger/open), 3 = restore (close), 0 for version 1.
    event_status: int
    #: ``"U"`` when ``event_data`` is a user number, ``"Z"`` for a zone.
    data_type: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AUIReport:
    """A message for an AUI (touch screen) keypad; not used."""

    value: str


@dataclass(frozen=True, slots=True, kw_only=True)
class VersionReport:
    """The AD2's answer to ``V``: serial number, firmware, capability flags."""

    serial: str
    firmware: str
    flags: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfigReport:
    """The AD2's answer to ``C``: its settings (``ADDRESS``, ``MODE``, ...)."""

    settings: dict[str, str]

    @property
    def address(self) -> int | None:
        """Return the AD2's keypad address."""
        value = self.settings.get("ADDRESS", "")
        return int(value) if value.isdigit() else None

    @property
    def dsc(self) -> bool | None:
        """Return True in DSC mode, False in Ademco (Vista) mode."""
        mode = self.settings.get("MODE")
        return None if mode not in ("A", "D") else mode == "D"


@dataclass(frozen=True, slots=True, kw_only=True)
class SendingReport:
    """The AD2 sent keys to the panel (``!Sending.done``); ok unless it retried."""

    ok: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class BootReport:
    """The AD2 (re)started: ``!Ready``."""


type AD2Message = (
    KeypadMessage
    | ExpanderReport
    | RFReport
    | LRRReport
    | AUIReport
    | VersionReport
    | ConfigReport
    | SendingReport
    | BootReport
)


def parse_line(line: str) -> AD2Message | None:
    """Return the typed message for one AD2 line, or None when it is junk."""
    line = line.strip().lstrip("\0")
    if not line or len(line) > MAX_LINE:
        return None
    try:
        return _parse(line)
    except InvalidMessageError, ValueError, IndexError, TypeError, KeyError:
        return None


def _parse(line: str) -> AD2Message | None:
    header = line[:4]
    if header[0] != "!" or header == "!KPM":
        return _keypad(Message(line))
    if header in ("!EXP", "!REL"):
        exp: Any = ExpanderMessage(line)
        return ExpanderReport(
            address=int(exp.address),
            channel=int(exp.channel),
            value=int(exp.value),
            relay=exp.type == ExpanderMessage.RELAY,
        )
    if header == "!RFX":
        rf: Any = RFMessage(line)
        loops = tuple(bool(x) for x in rf.loop)  # the library shares this list
        return RFReport(
            serial=str(rf.serial_number),
            value=int(rf.value),
            battery_low=bool(rf.battery),
            supervision=bool(rf.supervision),
            loops=(loops[0], loops[1], loops[2], loops[3]),
        )
    if header == "!LRR":
        return _lrr(LRRMessage(line))
    if header == "!AUI":
        return AUIReport(value=str(AUIMessage(line).value))
    if line.startswith("!VER:"):
        parts = line[5:].split(",")
        if len(parts) < 2 or not parts[0] or not parts[1]:
            return None
        flags = tuple(f for f in parts[2].split(";") if f) if len(parts) > 2 else ()
        return VersionReport(serial=parts[0], firmware=parts[1], flags=flags)
    if line.startswith("!CONFIG>"):
        settings = dict(
            item.split("=", 1) for item in line[8:].split("&") if "=" in item
        )
        return ConfigReport(settings=settings) if settings else None
    if (match := re.match(r"^!Sending(\.{1,5})done", line)) is not None:
        return SendingReport(ok=len(match.group(1)) < 5)
    if line.startswith("!Ready"):
        return BootReport()
    return None


def _keypad(msg: Any) -> KeypadMessage:
    # The library rewrites bits into attributes; the repeat of ``Any`` here
    # is the whole typed surface of its Message class.
    return KeypadMessage(
        ready=bool(msg.ready),
        armed_away=bool(msg.armed_away),
        armed_home=bool(msg.armed_home),
        programming=bool(msg.programming_mode),
        beeps=int(msg.beeps),
        zone_bypassed=bool(msg.zone_bypassed),
        ac_power=bool(msg.ac_power),
        chime=bool(msg.chime_on),
        alarm_occurred=bool(msg.alarm_event_occurred),
        alarm_sounding=bool(msg.alarm_sounding),
        battery_low=bool(msg.battery_low),
        entry_delay_off=bool(msg.entry_delay_off),
        fire=bool(msg.fire_alarm),
        check_zone=bool(msg.check_zone),
        perimeter_only=bool(msg.perimeter_only),
        dsc=msg.panel_type == DSC,
        numeric_code=str(msg.numeric_code),
        text=str(msg.text).strip(),
        mask=int(msg.mask),
    )


def _lrr(msg: Any) -> LRRReport:
    version2 = int(msg.version) == 2
    return LRRReport(
        event_data=str(msg.event_data),
        partition=str(msg.partition),
        event_type=str(msg.event_type),
        event_code=int(msg.event_code) if version2 else None,
        event_status=int(msg.event_status) if version2 else 0,
        data_type=str(msg.event_data_type or ""),
    )
