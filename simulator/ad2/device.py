r"""The AlarmDecoder board: the text protocol between a client and the panel.

What the client writes: keys (``0-9 * #`` and the function keys
``\x01``-``\x04`` three times) go to the panel, each batch acknowledged with
``!Sending.done``; ``V`` + CR asks for ``!VER:``, ``C`` + CR for
``!CONFIG>``, ``Cname=value&...`` + CR sets configuration, ``L`` + zone +
state + CR opens or closes an emulated expander zone. CR and LF between
commands are ignored. Lines out end in CR LF, as the AD2's do.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
import random

from ..clock import Clock
from . import lines
from .site import VistaSite, Wiring
from .vista import VistaPanel

#: Capability flags a current AD2 firmware reports after its version.
CAPABILITIES = (
    "TX",
    "RX",
    "SM",
    "VZ",
    "RF",
    "ZX",
    "RE",
    "AU",
    "3X",
    "CG",
    "DD",
    "MF",
    "LR",
    "KE",
    "MK",
)
#: CONFIGBITS bit: prefix keypad messages with ``!KPM:``.
KPM_PREFIX = 0x0008
#: A command line longer than this is noise.
MAX_COMMAND = 200
KEYS = frozenset("0123456789*#\x01\x02\x03\x04")


class Line(StrEnum):
    """How the emulated serial line behaves (for tests of a bad line)."""

    NORMAL = "normal"
    SILENT = "silent"  # nothing at all comes out; keys are lost
    DEAF = "deaf"  # the AD2 acknowledges keys, the panel ignores them


class AD2Device:
    """An AD2 on a Vista's keypad bus, talking to any number of clients."""

    def __init__(self, site: VistaSite, clock: Clock) -> None:
        """Wire the board to a fresh panel."""
        self.site = site
        self.clock = clock
        self.line = Line.NORMAL
        self._listeners: list[Callable[[bytes], None]] = []
        self.sent: list[str] = []  # every line sent, for tests and /admin/lines
        self.config: dict[str, str] = {
            "MODE": "A",
            "CONFIGBITS": "ff00",
            "ADDRESS": f"{site.address:02d}",
            "LRR": "Y",
            "COM": "N",
            "EXP": "NNNNN",
            "REL": "NNNN",
            "MASK": "ffffffff",
            "DEDUPLICATE": "N",
        }
        self.panel = VistaPanel(site, clock, self._emit)
        self._pending = ""
        #: Bytes received so far, heard or not (tests wait on it).
        self.received = 0

    def start(self) -> None:
        """Power up: announce, then begin the keypad messages."""
        self._emit("!Ready")
        self.panel.start()

    def stop(self) -> None:
        """Power down."""
        self.panel.stop()

    def listen(self, send: Callable[[bytes], None]) -> Callable[[], None]:
        """Send every line to ``send`` from now on; return an undo."""
        self._listeners.append(send)
        return lambda: self._listeners.remove(send)

    def _emit(self, line: str) -> None:
        if self.line is Line.SILENT:
            return
        if line.startswith("[") and int(self.config["CONFIGBITS"], 16) & KPM_PREFIX:
            line = "!KPM:" + line
        self.sent.append(line)
        del self.sent[:-2000]
        data = (line + "\r\n").encode("ascii")
        for send in list(self._listeners):
            send(data)

    def garbage(self, count: int = 1, seed: int | None = None) -> None:
        """Send lines no AD2 sends: noise, half lines, unknown messages."""
        rng = random.Random(seed)  # noqa: S311 - test noise, not security
        samples = [
            "!XYZ:unknown,message",
            "[0000000100000000",
            "\x00\xff\x13garbage",
            "!EXP:zz,yy",
            "".join(rng.choice('0123456789abcdef[],"') for _ in range(40)),
        ]
        for index in range(count):
            text = samples[index % len(samples)]
            for send in list(self._listeners):
                send(text.encode("latin-1") + b"\r\n")

    # ----- input --------------------------------------------------------

    def receive(self, data: bytes) -> None:
        """Take bytes the client wrote."""
        self.received += len(data)
        if self.line is Line.SILENT:
            return
        keys = ""
        for char in data.decode("latin-1"):
            if self._pending:
                if char in "\r\n":
                    self._command(self._pending)
                    self._pending = ""
                else:
                    self._pending += char
                    if len(self._pending) > MAX_COMMAND:
                        self._pending = ""
            elif char in KEYS:
                keys += char
            elif char in "CVL":
                self._pending = char
            # anything else (CR, LF, stray bytes) is dropped, as the AD2 does
        if keys:
            self._emit(lines.sending())
            if self.line is Line.NORMAL:
                self.panel.press(keys)

    def _command(self, text: str) -> None:
        head, rest = text[0], text[1:]
        if head == "V":
            self._emit(
                lines.version(self.site.ad2_serial, self.site.firmware, CAPABILITIES)
            )
        elif head == "C":
            for setting in filter(None, rest.split("&")):
                key, _, value = setting.partition("=")
                if key.upper() in self.config and value:
                    self.config[key.upper()] = value
            self._emit(lines.config(self.config))
        elif head == "L" and len(rest) == 3 and rest.isdigit():
            zone = self.panel.zones.get(int(rest[:2]))
            if zone is not None and zone.wiring is Wiring.EXPANDER:
                self.panel.set_zone(zone.number, rest[2] != "0")
