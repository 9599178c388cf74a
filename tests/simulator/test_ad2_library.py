"""The alarmdecoder library's own device and decoder, unmodified, on the emulator.

Its threaded ``SocketDevice`` connects over TCP as it would to ser2sock; its
``AlarmDecoder`` state machine (zone tracker, arm/disarm, AC, chime, LRR and
``!Sending`` handling) must make sense of everything the emulator says.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import threading
from typing import Any

from alarmdecoder.decoder import AlarmDecoder
from alarmdecoder.devices import SerialDevice, SocketDevice
import pytest

from simulator.ad2 import AD2Server
from simulator.clock import ManualClock

TIMEOUT = 10.0


class Recorder:
    """Library events, recorded from its reader thread."""

    def __init__(self) -> None:
        """Start empty."""
        self.events: list[tuple[str, dict[str, Any]]] = []
        self._changed = threading.Condition()

    def handler(self, name: str) -> Callable[..., None]:
        """Return a callback recording ``name`` events."""

        def record(device: object, **kwargs: Any) -> None:
            del device
            with self._changed:
                self.events.append((name, kwargs))
                self._changed.notify_all()

        return record

    def _wait(self, test: Callable[[tuple[str, dict[str, Any]]], bool]) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: any(map(test, self.events)), TIMEOUT)

    async def wait(self, name: str, **match: Any) -> None:
        """Wait until an event ``name`` with ``match`` in its arguments arrived."""

        def test(event: tuple[str, dict[str, Any]]) -> bool:
            return event[0] == name and all(
                event[1].get(k) == v for k, v in match.items()
            )

        assert await asyncio.to_thread(self._wait, test), (name, match, self.events)


NAMES = (
    "on_zone_fault on_zone_restore on_arm on_disarm on_power_changed "
    "on_chime_changed on_lrr_message on_sending_received on_alarm "
    "on_expander_message on_rfx_message on_config_received"
)


@pytest.mark.parametrize("transport", ["tcp", "serial"])
async def test_the_library_follows_the_panel(
    ad2: AD2Server, ad2_clock: ManualClock, transport: str
) -> None:
    """Faults, arming, the user who disarmed, AC, chime: as the library sees them."""
    recorder = Recorder()
    if transport == "tcp":
        device: SocketDevice | SerialDevice = SocketDevice(
            interface=(ad2.host, ad2.tcp_port)
        )
    else:  # the AD2USB path: pyserial on the pty
        device = SerialDevice(interface=ad2.pty_path)
    decoder = AlarmDecoder(device)
    names = NAMES.split()
    for name in names:
        handler = getattr(decoder, name)
        handler += recorder.handler(name)
    await asyncio.to_thread(decoder.open)
    try:
        decoder.get_config()
        await recorder.wait("on_config_received")
        ad2_clock.advance(4)  # a first keypad message sets the library's baseline
        ad2.panel.set_zone(5, True)
        await recorder.wait("on_zone_fault", zone=5)
        ad2.panel.set_zone(10, True)
        await recorder.wait("on_expander_message")
        ad2.panel.set_zone(5, False)
        ad2.panel.set_zone(10, False)
        ad2_clock.advance(4)
        await recorder.wait("on_zone_restore", zone=5)
        decoder.send("48262")
        await recorder.wait("on_sending_received", status=True)
        await recorder.wait("on_arm", stay=False)
        await recorder.wait("on_lrr_message")
        decoder.send("73911")
        await recorder.wait("on_disarm")
        lrr = [
            kw["message"] for name, kw in recorder.events if name == "on_lrr_message"
        ]
        assert [(m.event_data, m.event_code) for m in lrr][-1] == ("004", 0x401)
        ad2.panel.set_ac(False)
        await recorder.wait("on_power_changed", status=False)
        decoder.send("12349")
        await recorder.wait("on_chime_changed", status=True)
        ad2.panel.set_zone(28, True)
        await recorder.wait("on_rfx_message")
    finally:
        await asyncio.to_thread(decoder.close)
