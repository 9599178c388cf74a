"""Fixtures: a scripted AD2 on loopback TCP or a pty, and a panel on it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable

import pytest

from custom_components.alarmhub.panels.alarmdecoder import (
    AlarmDecoderPanel,
    PanelType,
    ZoneConfig,
    create_transport,
)
from custom_components.alarmhub.panels.base import Backoff, Event
from custom_components.alarmhub.panels.models import ZoneType

from . import lines as L
from .fake_ad2 import FakeAD2

MASTER = "4931"
ZONES = {
    2: ZoneConfig(number=2, name="Front Door", type=ZoneType.DOOR),
    3: ZoneConfig(number=3, name="Back Door", type=ZoneType.DOOR),
    9: ZoneConfig(number=9, name="Garage", type=ZoneType.GARAGE_DOOR),
    20: ZoneConfig(number=20, name="Hall", type=ZoneType.MOTION, rf_serial="0180036"),
}


class Clock:
    """The panel's monotonic clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def wait_for(condition: Callable[[], object], limit: float = 10.0) -> None:
    """Wait until ``condition()`` is true (polling; no fixed sleeps)."""
    async with asyncio.timeout(limit):
        while not condition():
            await asyncio.sleep(0.005)


async def replay_lines(ad2: FakeAD2, panel: AlarmDecoderPanel, *lines: str) -> None:
    """Send lines, then an AUI line as a marker; wait until the panel read it.

    The marker changes no state (AUI lines are for touch-screen keypads).
    """
    replay_lines.count += 1  # type: ignore[attr-defined]
    marker = f"!AUI:{replay_lines.count:08d}"  # type: ignore[attr-defined]
    seen: list[str] = []
    stop = panel.subscribe(lambda event, gap: None)
    original = panel.handle

    def spy(message: object) -> None:
        seen.append(getattr(message, "value", ""))
        original(message)  # type: ignore[arg-type]

    panel.handle = spy  # type: ignore[method-assign]
    try:
        for line in lines:
            ad2.send(line)
        ad2.send(marker)
        await wait_for(lambda: marker[5:] in seen)
    finally:
        panel.handle = original  # type: ignore[method-assign]
        stop()


replay_lines.count = 0  # type: ignore[attr-defined]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["tcp"])
def line_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def ad2(line_kind: str, socket_enabled: None) -> AsyncGenerator[FakeAD2]:
    fake = FakeAD2(pty=line_kind == "pty")
    await fake.start()
    yield fake
    await fake.stop()


type MakePanel = Callable[..., Awaitable[AlarmDecoderPanel]]


@pytest.fixture
async def make_panel(ad2: FakeAD2, clock: Clock) -> AsyncGenerator[MakePanel]:
    panels: list[AlarmDecoderPanel] = []

    async def make(**kwargs: object) -> AlarmDecoderPanel:
        transport = (
            create_transport(serial_port=ad2.path)
            if ad2.pty
            else create_transport(host="127.0.0.1", port=ad2.port)
        )
        options: dict[str, object] = {
            "panel_type": PanelType.VISTA,
            "master_code": MASTER,
            "name": "Alarm",
            "zones": ZONES,
            "users": {3: "Alice"},
            "backoff": Backoff(initial=0.01, maximum=0.02, jitter=0),
            "command_timeout": 5.0,
            "monotonic": clock,
        }
        options.update(kwargs)
        panel = AlarmDecoderPanel(transport, **options)  # type: ignore[arg-type]
        panels.append(panel)
        await panel.connect()
        return panel

    yield make
    for panel in panels:
        await panel.close()


@pytest.fixture
async def panel(make_panel: MakePanel, ad2: FakeAD2) -> AlarmDecoderPanel:
    """A connected panel that has seen the keypad say ready."""
    panel = await make_panel()
    events: list[Event] = []
    panel.subscribe(lambda event, gap: events.append(event))
    panel.events = events  # type: ignore[attr-defined]
    ad2.send(L.READY)
    await wait_for(lambda: panel.state.last is not None)
    return panel
