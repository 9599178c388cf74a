"""A noisy serial line: no wrong state ever reaches HA, and the client recovers.

The simulator damages the pty's bytes both ways (``simulator.noise``: each
byte dropped or changed with the given probability, seeded). Meanwhile
sensors change at the hub and HA arms and disarms. The serial link layer
(``panels/hub/link.py``) rejects every damaged fragment by its CRC and has
it resent, so every call gets its answer and the panel stays available.
Every state HA writes is checked against the simulator's history, and once
the line is clean again the integration's own poll brings HA exactly level
with the hub. A hub without the link layer (the old peer) gets one CRC-checked frame a
message: damaged frames are dropped, missed events lead to a resync, lost
answers time out (get_state is retried, commands are not); never a wrong
state there either, but often unavailable at 1 %.

Run with ``-s`` to print the figures quoted in docs/reliability.md.
"""

from __future__ import annotations

import asyncio
from collections import Counter
import os
import random

from homeassistant.components.alarm_control_panel import DOMAIN as PANEL_DOMAIN
from homeassistant.const import (
    ATTR_CODE,
    ATTR_ENTITY_ID,
    SERVICE_ALARM_ARM_AWAY,
    SERVICE_ALARM_ARM_HOME,
    SERVICE_ALARM_DISARM,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.alarmhub.const import SCAN_INTERVAL
from custom_components.alarmhub.panels.hub import SerialTransport
from simulator.clock import ManualClock
from simulator.hub import Hub
from simulator.noise import LineNoise
from simulator.server import SimulatorServer

from .truth import Truth

#: ``ALARMHUB_NOISE_STEPS`` / ``_SEED`` / ``_RATES`` make a longer soak.
SEED = int(os.environ.get("ALARMHUB_NOISE_SEED", "20261127"))
STEPS = int(os.environ.get("ALARMHUB_NOISE_STEPS", "60"))
RATES = [
    float(r) for r in os.environ.get("ALARMHUB_NOISE_RATES", "0.01,0.001").split(",")
]
CODE = "4826"
PANELS = ["alarm_control_panel.demo_home_house", "alarm_control_panel.demo_home_garage"]
ZONES = ["1", "2", "3", "4", "5", "6", "8", "9", "10"]  # not the smoke detector


@pytest.fixture(params=[True, False], ids=["link", "old_hub"])
def link(request: pytest.FixtureRequest, simulator: SimulatorServer) -> bool:
    """Return whether the hub has the serial link layer (set before set-up)."""
    assert simulator.pty_line is not None
    simulator.pty_line.supports_link = request.param
    return bool(request.param)


@pytest.fixture
def config_entry(serial_entry: MockConfigEntry, link: bool) -> MockConfigEntry:
    """Over the serial line only: the network has TCP's own checks."""
    del link
    return serial_entry


async def _call(hass: HomeAssistant, service: str, entity_id: str) -> str:
    current = hass.states.get(entity_id)
    if current is None or current.state == STATE_UNAVAILABLE:
        return "skipped:unavailable"  # HA does not call unavailable entities
    data = {ATTR_ENTITY_ID: entity_id}
    if service == SERVICE_ALARM_DISARM:
        data[ATTR_CODE] = CODE
    try:
        await hass.services.async_call(PANEL_DOMAIN, service, data, blocking=True)
    except ServiceValidationError as err:
        return f"refused:{err.translation_key}"
    except HomeAssistantError as err:
        return f"failed:{err.translation_key}"
    return "ok"


async def _settle(hass: HomeAssistant, truth: Truth, seconds: float) -> float:
    loop = asyncio.get_running_loop()
    start = loop.time()
    async with asyncio.timeout(seconds):
        while truth.shown() != truth.expected():
            await asyncio.sleep(0.02)
    return loop.time() - start


@pytest.mark.parametrize("rate", RATES)
async def test_noisy_serial_line(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: SimulatorServer,
    hub: Hub,
    clock: ManualClock,
    rate: float,
    link: bool,
) -> None:
    """1 % / 0.1 % of bytes damaged: nothing wrong is shown; all heals after."""
    client = init_integration.runtime_data.client
    # Over the link layer nothing is lost, only resent: no answer is late by
    # more than a few resends. Without it answers are lost: time out quickly.
    client.request_timeout = 3 if link else 0.3
    transport = client.transport
    assert isinstance(transport, SerialTransport)
    assert (transport.link is not None) is link
    started = transport.link
    truth = Truth(hass, hub, init_integration.entry_id)
    noise = LineNoise(rate, seed=SEED)
    simulator.line_noise = noise
    rnd = random.Random(SEED)
    calls: list[asyncio.Task[str]] = []
    available = 0
    for _ in range(STEPS):
        available += hass.states.get(PANELS[0]).state != STATE_UNAVAILABLE
        roll = rnd.random()
        if roll < 0.5:
            zone = rnd.choice(ZONES)
            hub.panel.set_zone(zone, not hub.panel.zones[zone].open)
        elif roll < 0.85:
            service = rnd.choice(
                [SERVICE_ALARM_ARM_AWAY, SERVICE_ALARM_ARM_HOME, SERVICE_ALARM_DISARM]
            )
            calls.append(
                hass.async_create_task(_call(hass, service, rnd.choice(PANELS)))
            )
        else:
            clock.advance(rnd.choice([5, 30, 60]))
        await asyncio.sleep(0.02)
    outcomes = Counter(await asyncio.gather(*calls))
    truth.assert_no_wrong_state()
    if link:
        # The link layer resends what noise damaged: it is never lost (no
        # reconnect), the panel stays available (issue 16: >= 99 % of the
        # time) and no call finds it unavailable. (Calls may still time out:
        # this test offers ~18 kB/s, more than a 115200 line carries, and
        # answers queue behind events on the unpaced pty.)
        assert transport.link is started
        assert not [o for o in outcomes if o.startswith("skipped")]
        assert available / STEPS >= 0.99

    # A clean line again: the next poll (or the next event's resync) heals.
    simulator.line_noise = None
    async_fire_time_changed(hass, dt_util.utcnow() + SCAN_INTERVAL)
    healed = await _settle(hass, truth, 10)
    truth.assert_no_wrong_state()
    truth.assert_matches()

    line = simulator.pty_line
    assert line is not None
    damaged = noise.dropped + noise.corrupted
    assert damaged > 0
    assert transport.dropped_frames > 0  # the CRC rejected damaged frames
    print(
        f"\n{'link' if link else 'old hub'}, noise {rate:.2%}: {noise.total} "
        f"bytes, {noise.dropped} dropped, "
        f"{noise.corrupted} changed; frames rejected: client "
        f"{transport.dropped_frames}, hub {line.dropped + line.legacy_dropped}; "
        f"HA wrote {truth.writes} states, none wrong; panel available at "
        f"{available / STEPS:.0%} of steps; calls {dict(outcomes)}; "
        f"level with the hub {healed:.2f} s after the line was clean"
    )
