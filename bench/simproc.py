"""The hub simulator as the benchmarks run it: its own process, driven on stdin.

A real hub is another machine, so the benchmarks run the simulator in another
process: its CPU time and memory are then its own, and it never competes with
Home Assistant for one event loop. ``python -m bench.simproc --site FILE``
prints ``{"port": ..., "pty": ...}`` when it is serving, then answers each JSON
line on stdin with one JSON line on stdout (``--recording FILE``: every
camera's recording is that file, e.g. the clip figure's 1080p one):

``{"op": "zone", "id": "1", "open": true}``
    set a zone; answers the ``perf_counter_ns()`` at which the hub emitted the
    ``zone`` event (``CLOCK_MONOTONIC``, the same clock in every process on the
    machine) and the bytes that event takes on the serial line (its link
    fragments when the pty's link layer is up, else its one frame).
``{"op": "push", "on": false}``
    stop (or restart) pushing events to clients: they must poll.
``{"op": "pace", "baud": 115200}``
    pace the pty like a UART (``null``: memory speed).
``{"op": "noise", "rate": 0.01, "seed": 1}`` / ``{"op": "link", "on": false}``
    damage that share of the pty's bytes both ways (``null``: a clean line);
    answer the bytes seen, dropped and changed so far. Take the link layer
    away (the old hub) or give it back, for the next client that connects.
``{"op": "stats"}`` / ``{"op": "reset"}``
    requests served per command and CPU seconds used; reset the counts.
``{"op": "call", "cmd": "...", "args": {...}}``
    run a hub command in the simulator itself (no client involved).
``{"op": "recording", "camera": "1"}``
    make (or find) the camera's recording; answer its path and window start.
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from collections.abc import Callable
import json
import sys
import time
from typing import Any, override

from custom_components.alarmhub.panels.hub.protocol import (
    Event,
    encode_frame,
    encode_message,
)
from simulator.hub import Hub, Listener, load_site
from simulator.noise import LineNoise
from simulator.recorders import recorders_of
from simulator.serial_link import HubLine, wire_bytes
from simulator.server import SimulatorServer

TOKEN = "bench-token-9d1e"


class BenchHub(Hub):
    """A hub that counts requests, timestamps events and can stop pushing."""

    def __init__(self, site: dict[str, Any]) -> None:
        """Build the hub with the bench's token."""
        self.requests: Counter[str] = Counter()
        self.emitted: list[tuple[str, int, int]] = []
        self.push = True
        #: The pty's hub end, once the server runs (for wire sizes).
        self.line: HubLine | None = None
        super().__init__(site, token=TOKEN)

    @override
    async def handle(self, cmd: str, args: dict[str, Any]) -> dict[str, Any]:
        self.requests[cmd] += 1
        return await super().handle(cmd, args)

    @override
    def emit(self, event: str, data: dict[str, Any]) -> None:
        now = time.perf_counter_ns()
        super().emit(event, data)
        message = Event(seq=self.seq, event=event, data=data)
        if self.line is not None and self.line.linked:
            size = wire_bytes(len(encode_message(message)))
        else:
            size = len(encode_frame(message))
        self.emitted.append((event, now, size))

    @override
    def listen(self, listener: Listener) -> Callable[[], None]:
        def forward(event: Event) -> None:
            if self.push:
                listener(event)

        return super().listen(forward)


async def _serve(args: argparse.Namespace) -> None:
    site = load_site(args.site)
    if args.recording:  # every camera's recording is this file
        recordings = site.get("recordings") or {}
        site["recordings"] = {**recordings, "source": args.recording}
    hub = BenchHub(site)
    server = SimulatorServer(hub, serial_pty=True, serial_pacing=args.pace_serial)
    await server.start()
    hub.line = server.pty_line
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), sys.stdin
    )
    print(json.dumps({"port": server.port, "pty": server.pty_path}), flush=True)
    try:
        while line := await reader.readline():
            request = json.loads(line)
            try:
                answer = await _run(hub, server, request)
            except Exception as err:
                answer = {"error": f"{type(err).__name__}: {err}"}
            print(json.dumps(answer), flush=True)
    finally:
        await server.stop()


async def _run(
    hub: BenchHub, server: SimulatorServer, request: dict[str, Any]
) -> dict[str, Any]:
    op = request["op"]
    if op == "zone":
        hub.emitted.clear()
        hub.panel.set_zone(request["id"], bool(request["open"]))
        emitted = [(t, size) for event, t, size in hub.emitted if event == "zone"]
        if not emitted:
            return {"error": "no zone event"}
        return {"t": emitted[0][0], "frame": emitted[0][1]}
    if op == "push":
        hub.push = bool(request["on"])
        return {}
    if op == "pace":
        server.serial_pacing = request["baud"]
        return {}
    if op == "noise":
        rate = request["rate"]
        noise = LineNoise(rate, seed=request.get("seed", 0)) if rate else None
        old, server.line_noise = server.line_noise, noise
        if not isinstance(old, LineNoise):
            return {}
        line = server.pty_line
        return {
            "total": old.total,
            "dropped": old.dropped,
            "corrupted": old.corrupted,
            "resent": line.resent if line else 0,
        }
    if op == "link":
        server.serial_link = bool(request["on"])
        if server.pty_line is not None:
            server.pty_line.supports_link = server.serial_link
        return {}
    if op == "stats":
        return {"requests": dict(hub.requests), "cpu": time.process_time()}
    if op == "reset":
        hub.requests.clear()
        return {}
    if op == "call":
        return await hub.handle(request["cmd"], request.get("args", {}))
    if op == "recording":
        recorders = recorders_of(hub)
        camera = recorders.camera(request["camera"])
        path = await recorders.store.recording(camera.pattern)
        return {"path": str(path), "start": recorders.store.start.isoformat()}
    return {"error": f"unknown op {op}"}


def main() -> None:
    """Serve a site until stdin closes."""
    parser = argparse.ArgumentParser(prog="python -m bench.simproc")
    parser.add_argument("--site", required=True)
    parser.add_argument("--pace-serial", type=int, help="pace the pty at this baud")
    parser.add_argument("--recording", help="serve this file as every recording")
    asyncio.run(_serve(parser.parse_args()))


if __name__ == "__main__":
    main()
