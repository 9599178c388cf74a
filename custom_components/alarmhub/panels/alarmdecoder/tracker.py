"""Which zones are open and bypassed, from what a Vista keypad shows.

A Vista does not report zone states; its keypad cycles ``FAULT nn`` through
the faulted zones while the partition is not ready. This follows the
``alarmdecoder`` library's ``Zonetracker`` (which is driven by wall-clock
time and a threaded event system, so it is not reused):

* a zone seen in the cycle is open;
* when the cycle reaches a zone seen before, every zone the cycle should
  have shown between the previous one and this one (in zone order,
  wrapping around) is gone from it: restored. A zone shown twice in a row
  is the only one left. (This passes the library's own cycle tests:
  3, 4, 5, 4 restores 3; 1, 4, 3, 4 restores nothing; 1, 4, 2, 4, 4 leaves 4.)
* the READY bit means every zone is closed (``SYSTEM`` lines excepted: the
  library notes their READY bit is unreliable);
* a zone not seen for ``expire`` seconds (the injected clock) is restored.

Zones from expander (``!EXP``) and RF (``!RFX``) reports have their own
state and are left to those reports. ``BYPAS nn`` lines name bypassed
zones; the keypad's bypass bit going off clears them all.
"""

from __future__ import annotations

from collections.abc import Callable

from .messages import KeypadMessage

#: The library's expiry for a zone that stopped appearing in the cycle.
EXPIRE = 30.0
#: Keypad texts that name a faulted zone.
FAULT_TEXTS = ("FAULT", "CHECK", "ALARM")


class ZoneTracker:
    """Open and bypassed zones of one partition."""

    def __init__(
        self, monotonic: Callable[[], float], *, expire: float = EXPIRE
    ) -> None:
        """Start with every zone closed."""
        self._monotonic = monotonic
        self._expire = expire
        #: Keypad-tracked faults: zone -> when last shown.
        self._faulted: dict[int, float] = {}
        self._last: int | None = None
        #: Zones reported open by an expander or an RF sensor.
        self._reported: set[int] = set()
        self.bypassed: set[int] = set()

    @property
    def open_zones(self) -> set[int]:
        """Return every open zone."""
        return set(self._faulted) | self._reported

    def keypad(self, msg: KeypadMessage) -> None:
        """Update from one keypad message."""
        text = msg.text.upper()
        if not msg.zone_bypassed:
            self.bypassed.clear()
        elif text.startswith("BYPAS") and (zone := msg.zone) is not None:
            self.bypassed.add(zone)
        if msg.dsc:  # a DSC keypad does not cycle faults this way
            pass
        elif msg.ready and not text.startswith("SYSTEM"):
            self._faulted.clear()
            self._last = None
        elif (
            (text.startswith(FAULT_TEXTS) or msg.check_zone)
            and (zone := msg.zone) is not None
            and zone > 0
        ):
            self._fault(zone)
        self._expire_old()

    def _fault(self, zone: int) -> None:
        if zone in self._faulted and self._last is not None:
            for skipped in self._between(self._last, zone):
                del self._faulted[skipped]
        self._faulted[zone] = self._monotonic()
        self._last = zone

    def _between(self, last: int, zone: int) -> list[int]:
        """Return the zones after ``last`` and before ``zone``, wrapping."""
        order = sorted(self._faulted)
        if last not in order:
            return []
        start = order.index(last)
        skipped: list[int] = []
        for step in range(1, len(order) + 1):
            candidate = order[(start + step) % len(order)]
            if candidate == zone:
                break
            skipped.append(candidate)
        return skipped

    def _expire_old(self) -> None:
        deadline = self._monotonic() - self._expire
        for zone, seen in list(self._faulted.items()):
            if seen < deadline:
                del self._faulted[zone]
                if self._last == zone:
                    self._last = None

    def report(self, zone: int, is_open: bool) -> None:
        """Record an expander or RF sensor's report of a zone."""
        if is_open:
            self._reported.add(zone)
        else:
            self._reported.discard(zone)
            self._faulted.pop(zone, None)


def expander_zone(address: int, channel: int) -> int:
    """Return the Vista zone of an expander channel (the library's mapping).

    Expanders start at address 7, with eight zones each from zone 9.
    """
    return address + channel + (address - 7) * 7 + 1
