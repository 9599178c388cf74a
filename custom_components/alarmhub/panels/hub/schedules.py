"""When a user's code is valid: a date range and/or weekly windows.

A schedule is read on the wall clock of its ``time_zone`` (Home Assistant's),
so "Monday to Friday 12:00-13:00" stays 12:00-13:00 local time across
daylight-saving changes, and nothing about it depends on the hub or Home
Assistant running at the edges. Its wire form (the hub's ``set_schedule``,
the user's ``schedule`` field)::

    {"time_zone": "Europe/Berlin",
     "start": "2026-12-05T12:00:00",  # local, optional: valid from
     "end": "2026-12-10T12:00:00",    # local, optional: valid until
     "windows": [{"days": ["mon", "tue"], "from": "12:00", "to": "13:00"}]}

No windows: valid the whole time between ``start`` and ``end``. A window ends
after it starts, on the same day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..exceptions import ProtocolError

DAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Days looked ahead for the next edge (a week and a day covers every window).
LOOKAHEAD_DAYS: Final = 8
MAX_WINDOWS: Final = 14


@dataclass(frozen=True, slots=True, kw_only=True)
class Window:
    """A weekly window: these days, from one time to a later one."""

    days: frozenset[int]
    start: time
    end: time

    def holds(self, local: datetime) -> bool:
        """Return True if ``local`` (wall clock) is inside the window."""
        return local.weekday() in self.days and self.start <= local.time() < self.end


@dataclass(frozen=True, slots=True, kw_only=True)
class Schedule:
    """When a code is valid."""

    time_zone: str
    start: datetime | None = None
    end: datetime | None = None
    windows: tuple[Window, ...] = ()

    @property
    def zone(self) -> ZoneInfo:
        """Return the time zone."""
        return ZoneInfo(self.time_zone)

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any]) -> Schedule:
        """Parse and check a schedule; refuse anything malformed."""
        if not isinstance(obj, Mapping):
            raise ProtocolError("schedule must be an object")
        zone = obj.get("time_zone")
        if not isinstance(zone, str):
            raise ProtocolError("schedule: unknown time_zone")
        try:
            ZoneInfo(zone)
        except ValueError, ZoneInfoNotFoundError:
            raise ProtocolError("schedule: unknown time_zone") from None
        start, end = _local(obj, "start"), _local(obj, "end")
        if start is not None and end is not None and end <= start:
            raise ProtocolError("schedule: end must be after start")
        raw = obj.get("windows", [])
        if not isinstance(raw, list) or len(raw) > MAX_WINDOWS:
            raise ProtocolError(f"schedule: at most {MAX_WINDOWS} windows")
        windows = tuple(_window(w) for w in raw)
        if start is None and end is None and not windows:
            raise ProtocolError("schedule: give a start, an end or windows")
        return cls(time_zone=zone, start=start, end=end, windows=windows)

    def to_dict(self) -> dict[str, Any]:
        """Return the wire form."""
        data: dict[str, Any] = {"time_zone": self.time_zone}
        if self.start is not None:
            data["start"] = self.start.isoformat()
        if self.end is not None:
            data["end"] = self.end.isoformat()
        if self.windows:
            data["windows"] = [
                {
                    "days": [DAYS[d] for d in sorted(w.days)],
                    "from": w.start.isoformat("minutes"),
                    "to": w.end.isoformat("minutes"),
                }
                for w in self.windows
            ]
        return data

    def is_open(self, at: datetime) -> bool:
        """Return True if a code with this schedule is valid at ``at`` (aware)."""
        local = at.astimezone(self.zone).replace(tzinfo=None)
        if self.start is not None and local < self.start:
            return False
        if self.end is not None and local >= self.end:
            return False
        return not self.windows or any(w.holds(local) for w in self.windows)

    def expired(self, at: datetime) -> bool:
        """Return True once the code can never be valid again (past its end)."""
        local = at.astimezone(self.zone).replace(tzinfo=None)
        return self.end is not None and local >= self.end

    def next_edge(self, after: datetime) -> datetime | None:
        """Return the next moment (UTC) the code becomes valid or invalid."""
        zone = self.zone
        now = self.is_open(after)
        local_now = after.astimezone(zone).replace(tzinfo=None)
        candidates = [t for t in (self.start, self.end) if t is not None]
        day = local_now.date()
        for offset in range(LOOKAHEAD_DAYS):
            date = day + timedelta(days=offset)
            for window in self.windows:
                if date.weekday() in window.days:
                    candidates.append(datetime.combine(date, window.start))
                    candidates.append(datetime.combine(date, window.end))
        for local in sorted(set(candidates)):
            moment = local.replace(tzinfo=zone).astimezone(UTC)
            if moment > after and self.is_open(moment) != now:
                return moment
        return None


def _local(obj: Mapping[str, Any], key: str) -> datetime | None:
    value = obj.get(key)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise ProtocolError(f"schedule: {key} is not a date and time") from None
    return parsed.replace(tzinfo=None, second=0, microsecond=0)


def _window(raw: object) -> Window:
    if not isinstance(raw, Mapping):
        raise ProtocolError("schedule: a window must be an object")
    days = raw.get("days")
    if not isinstance(days, list) or not days or any(d not in DAYS for d in days):
        raise ProtocolError("schedule: a window's days are mon..sun")
    try:
        start = time.fromisoformat(str(raw.get("from")))
        end = time.fromisoformat(str(raw.get("to")))
    except ValueError:
        raise ProtocolError("schedule: a window's from and to are times") from None
    if end <= start:
        raise ProtocolError("schedule: a window ends after it starts")
    return Window(
        days=frozenset(DAYS.index(d) for d in days),
        start=start.replace(second=0, microsecond=0),
        end=end.replace(second=0, microsecond=0),
    )
