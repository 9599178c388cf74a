"""The Vista site file: zones, users, delays and the AD2's identity."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

VISTA_SITE = Path(__file__).resolve().parent.parent / "sites" / "vista.yaml"

#: Vista-20P user numbers: 01 installer, 02 master, 03-49 users.
INSTALLER = 1
MASTER = 2
FIRST_USER = 3
LAST_USER = 49


class ZoneKind(StrEnum):
    """How the panel treats a zone (Vista zone types, simplified)."""

    ENTRY_EXIT = "entry_exit"  # type 01: entry delay when armed
    PERIMETER = "perimeter"  # type 03: instant alarm when armed
    INTERIOR = "interior"  # type 04: follower, off in stay/night
    FIRE = "fire"  # type 09: 24-hour fire


class Wiring(StrEnum):
    """Where the zone's sensor reports from."""

    WIRED = "wired"  # the panel's own loops (keypad messages only)
    EXPANDER = "expander"  # a 4219 zone expander: !EXP as well
    RF = "rf"  # a 5800 transmitter: !RFX as well


@dataclass(slots=True)
class Zone:
    """One zone and its live state."""

    number: int
    name: str
    kind: ZoneKind = ZoneKind.PERIMETER
    wiring: Wiring = Wiring.WIRED
    expander: int = 7
    channel: int = 1
    serial: str = ""
    loop: int = 1
    faulted: bool = False
    bypassed: bool = False
    trouble: bool = False
    battery_low: bool = False


@dataclass(slots=True)
class VistaSite:
    """Everything the emulated panel and AD2 are configured with."""

    name: str = "Vista home"
    ad2_serial: str = "00000000"
    firmware: str = "V2.2a.8.9b-306"
    address: int = 18
    exit_delay: float = 60.0
    entry_delay: float = 30.0
    keypad_interval: float = 4.0
    zones: dict[int, Zone] = field(default_factory=dict)
    codes: dict[int, str] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)


def _code(value: Any) -> str:
    code = str(value)
    if len(code) != 4 or not code.isdigit():
        raise ValueError("Vista codes are 4 digits")
    return code


def parse_site(data: dict[str, Any]) -> VistaSite:
    """Build a site from the YAML document's mapping."""
    panel = data.get("panel", {})
    ad2 = data.get("ad2", {})
    site = VistaSite(
        name=str(panel.get("name", "Vista home")),
        ad2_serial=str(ad2.get("serial", "00000000")),
        firmware=str(ad2.get("firmware", "V2.2a.8.9b-306")),
        address=int(ad2.get("address", 18)),
        exit_delay=float(panel.get("exit_delay", 60)),
        entry_delay=float(panel.get("entry_delay", 30)),
        keypad_interval=float(ad2.get("keypad_interval", 4)),
    )
    site.codes[INSTALLER] = _code(panel.get("installer_code", "4112"))
    site.codes[MASTER] = _code(panel.get("master_code", "1234"))
    site.names[INSTALLER], site.names[MASTER] = "Installer", "Master"
    for user in data.get("users", []):
        number = int(user["number"])
        if not FIRST_USER <= number <= LAST_USER:
            raise ValueError(f"user number {number} is not 03-49")
        site.codes[number] = _code(user["code"])
        site.names[number] = str(user.get("name", f"User {number:02d}"))
    for raw in data.get("zones", []):
        zone = Zone(
            number=int(raw["number"]),
            name=str(raw["name"]),
            kind=ZoneKind(raw.get("kind", "perimeter")),
            wiring=Wiring(raw.get("wiring", "wired")),
            expander=int(raw.get("expander", 7)),
            channel=int(raw.get("channel", 1)),
            serial=str(raw.get("serial", "")),
            loop=int(raw.get("loop", 1)),
        )
        if zone.wiring is Wiring.RF and not (
            len(zone.serial) == 7 and zone.serial.isdigit()
        ):
            raise ValueError(f"RF zone {zone.number} needs a 7-digit serial")
        site.zones[zone.number] = zone
    return site


def load_vista_site(path: str | Path = VISTA_SITE) -> VistaSite:
    """Read a Vista site file."""
    with Path(path).open(encoding="utf-8") as file:
        data = yaml.safe_load(file)
    if not isinstance(data, dict):
        raise TypeError(f"{path}: not a mapping")
    return parse_site(data)
