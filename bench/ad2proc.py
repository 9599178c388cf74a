"""The emulated Vista behind an AD2 as the benchmarks run it: its own process.

Like :mod:`bench.simproc` for the hub: a panel is another machine, so it runs
in another process, serving one pty paced like a 115200 8N1 UART. It prints
``{"pty": ...}`` when it is serving, then answers each JSON line on stdin:

``{"op": "zone", "id": 5, "open": true}``
    fault or restore a zone; answers the ``perf_counter_ns()`` at which the AD2
    wrote the first line the change caused (``CLOCK_MONOTONIC``, one clock for
    every process on the machine) and the bytes of every line it caused.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from typing import Any

from simulator.ad2 import AD2Device, AD2Server, load_vista_site
from simulator.clock import RealClock

BAUD = 115200


async def main() -> None:
    """Serve the pty and answer commands until stdin closes."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", required=True)
    args = parser.parse_args()
    device = AD2Device(load_vista_site(args.site), RealClock())
    server = AD2Server(device, tcp_port=None, http_port=None, pty=True, pty_pacing=BAUD)
    await server.start()
    written: list[tuple[int, int]] = []
    device.listen(lambda data: written.append((time.perf_counter_ns(), len(data))))
    print(json.dumps({"pty": server.pty_path}), flush=True)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), sys.stdin
    )
    try:
        while line := await reader.readline():
            request: dict[str, Any] = json.loads(line)
            answer: dict[str, Any]
            if request["op"] == "zone":
                written.clear()
                server.panel.set_zone(int(request["id"]), bool(request["open"]))
                if written:
                    answer = {"t": written[0][0], "bytes": sum(n for _, n in written)}
                else:
                    answer = {"error": "the change put nothing on the line"}
            else:
                answer = {"error": f"unknown op {request['op']!r}"}
            sys.stdout.write(json.dumps(answer) + "\n")
            sys.stdout.flush()
    finally:
        await server.stop()


if __name__ == "__main__":
    asyncio.run(main())
