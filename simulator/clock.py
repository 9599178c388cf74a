"""Clocks for the simulator: the real one, and one tests move by hand."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
import heapq
import itertools
import time
from typing import Protocol


class Timer(Protocol):
    """A scheduled call that can be cancelled."""

    def cancel(self) -> None:
        """Do not make the call."""


class Clock(Protocol):
    """Where the simulator gets its time and schedules its delays."""

    def time(self) -> float:
        """Return seconds since the epoch."""

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        """Call ``callback`` after ``delay`` seconds."""


def utc(clock: Clock) -> datetime:
    """Return the clock's time as an aware UTC datetime."""
    return datetime.fromtimestamp(clock.time(), UTC)


class RealClock:
    """Wall-clock time and the running event loop's timers."""

    def time(self) -> float:
        """Return the wall-clock time."""
        return time.time()

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        """Schedule on the running loop."""
        return asyncio.get_running_loop().call_later(delay, callback)


class ScaledClock:
    """Another clock run ``speed`` times faster: for a person trying delays.

    ``python -m simulator --clock-speed 10`` makes a 60-second exit delay
    last 6 real seconds; the hub's time of day runs ahead by as much.
    """

    def __init__(self, speed: float, base: Clock | None = None) -> None:
        """Run ``base`` (the real clock) ``speed`` times faster."""
        if speed <= 0:
            raise ValueError("the clock speed must be above 0")
        self.speed = speed
        self._base = base or RealClock()
        self._start = self._base.time()

    def time(self) -> float:
        """Return the start time plus the elapsed time, sped up."""
        return self._start + (self._base.time() - self._start) * self.speed

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        """Schedule after ``delay`` sped-up seconds."""
        return self._base.call_later(delay / self.speed, callback)


@dataclass(order=True)
class _ManualTimer:
    when: float
    order: int
    callback: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class ManualClock:
    """A clock that only moves when told to: tests never wait for delays."""

    def __init__(self, start: float | datetime = 1_790_000_000.0) -> None:
        """Start at ``start`` (epoch seconds or an aware datetime)."""
        self._now = start.timestamp() if isinstance(start, datetime) else start
        self._timers: list[_ManualTimer] = []
        self._order = itertools.count()

    def time(self) -> float:
        """Return the clock's time."""
        return self._now

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        """Schedule ``callback`` at now + delay (clock time)."""
        timer = _ManualTimer(self._now + max(delay, 0.0), next(self._order), callback)
        heapq.heappush(self._timers, timer)
        return timer

    def advance(self, seconds: float) -> int:
        """Move time forward, firing due timers in order; return how many ran."""
        target = self._now + seconds
        fired = 0
        while self._timers and self._timers[0].when <= target:
            timer = heapq.heappop(self._timers)
            if timer.cancelled:
                continue
            self._now = timer.when
            timer.callback()
            fired += 1
        self._now = target
        return fired
