"""Figure 4: the safety-net poll of a large site, unchanged and changed.

Unchanged (the 30 s poll of a quiet site): the coordinator asks
``get_state`` with ``since_seq`` and the hub answers ``unchanged``. Counted
at the simulator: requests per refresh; on the wire: the serial frames of
that request and answer; in HA: process CPU time (``time.process_time``)
around ``coordinator.async_refresh()``, median over the refreshes, and state
writes (``state_changed`` + ``state_reported``) during them.

Changed (after a gap or a reconnect, the whole state): the client's full
``get_state`` (request, then the answer decoded into the models in one typed
pass, ``panels/hub/state.py``), side by side in the same run with a bare
``orjson.loads`` of the same payload, the floor any client pays. For contrast
the reference decoder (``json.loads`` + ``HubState.from_dict``) is timed too.
"""

from __future__ import annotations

import json
import time

import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
import orjson

from custom_components.alarmhub.panels.hub import AlarmHubClient, HubState
from custom_components.alarmhub.panels.hub.protocol import (
    MAX_PAYLOAD,
    PROTOCOL_VERSION,
    Request,
    Response,
    encode_frame,
)
from custom_components.alarmhub.panels.hub.state import decode_state, state_answer

from .harness import StateWatch, integration
from .report import Row, median
from .simproc import TOKEN

GOAL_CPU = 0.0005
GOAL_BYTES = 200
GOAL_FULL_RATIO = 2.0


#: A whole-state request as the client sends it, for the bare connection.
_GET_STATE = '{"type":"req","id":%d,"cmd":"get_state","args":{}}'


async def _second_connection(
    hass: HomeAssistant, port: int
) -> aiohttp.ClientWebSocketResponse:
    """Open a bare WebSocket to the hub with HA's session and say hello."""
    ws = await async_get_clientsession(hass).ws_connect(
        f"http://127.0.0.1:{port}/ws", compress=0, max_msg_size=MAX_PAYLOAD
    )
    hello = {"client": "bench", "protocol": PROTOCOL_VERSION, "token": TOKEN}
    await ws.send_str(
        json.dumps({"type": "req", "id": 1, "cmd": "hello", "args": hello})
    )
    if not json.loads((await ws.receive()).data)["ok"]:
        raise RuntimeError("the hub refused the bench's hello")
    return ws


async def measure(quick: bool) -> list[Row]:
    """Refresh a large site many times; count and time it."""
    count = 50 if quick else 300
    async with integration() as (hass, sim, coordinator):
        for _ in range(10):
            await coordinator.async_refresh()
        watch = StateWatch(hass)
        watch.start()
        hub = coordinator.client
        assert isinstance(hub, AlarmHubClient)
        state = await hub.request("get_state")
        payload = json.dumps(state, separators=(",", ":")).encode()  # as on the wire
        await sim.call("reset")
        cpu: list[float] = []
        wall: list[float] = []
        for _ in range(count):
            wall_0, cpu_0 = time.perf_counter(), time.process_time()
            await coordinator.async_refresh()
            cpu.append(time.process_time() - cpu_0)
            wall.append(time.perf_counter() - wall_0)
        await hass.async_block_till_done()
        requests = sum((await sim.call("stats"))["requests"].values())
        writes = watch.changed + watch.reported
        seq = coordinator.data.seq
        asked = encode_frame(
            Request(id=2**31 - 1, cmd="get_state", args={"since_seq": seq})
        )
        answer = encode_frame(
            Response(id=2**31 - 1, ok=True, result={"seq": seq, "unchanged": True})
        )
        # Changed: the whole state, alternating with orjson on the same bytes,
        # and with the floor of any client: the same request and answer on a
        # second aiohttp WebSocket to the hub (nothing decoded), then the
        # client's typed decode of the answer's bytes on their own.
        full: list[float] = []
        bare: list[float] = []
        trip: list[float] = []
        typed: list[float] = []
        ws = await _second_connection(hass, sim.port)
        for n in range(count):
            cpu_0 = time.process_time()
            await hub.get_state()
            full.append(time.process_time() - cpu_0)
            cpu_0 = time.process_time()
            orjson.loads(payload)
            bare.append(time.process_time() - cpu_0)
            cpu_0 = time.process_time()
            await ws.send_str(_GET_STATE % (n + 2))
            message = await ws.receive()
            trip.append(time.process_time() - cpu_0)
            cpu_0 = time.process_time()
            answer_ = state_answer(message.data)
            assert answer_ is not None
            decode_state(answer_.wire)
            typed.append(time.process_time() - cpu_0)
        await ws.close()
        decode: list[float] = []
        parse: list[float] = []
        for _ in range(count // 5):
            cpu_0 = time.process_time()
            data = json.loads(payload)
            cpu_1 = time.process_time()
            HubState.from_dict(data)
            decode.append(cpu_1 - cpu_0)
            parse.append(time.process_time() - cpu_1)
    per_refresh = requests / count
    cpu_ms = median(cpu) * 1000
    wire = max(len(asked), len(answer))
    ratio = median(full) / median(bare)
    return [
        Row(
            figure="large-site poll, unchanged: requests per poll",
            value=f"{per_refresh:g} (n={count})",
            goal="1",
            passed=per_refresh == 1,
        ),
        Row(
            figure="large-site poll, unchanged: bytes on the wire each way",
            value=f"{len(asked)} B asked, {len(answer)} B answered (serial frames)",
            goal=f"<= {GOAL_BYTES} B",
            passed=wire <= GOAL_BYTES,
            note=f"the whole state is {len(payload) / 1024:.0f} KiB",
        ),
        Row(
            figure="large-site poll, unchanged: HA CPU per poll",
            value=f"median {cpu_ms:.3f} ms (wall {median(wall) * 1000:.2f} ms)",
            goal="<= 0.5 ms",
            passed=median(cpu) <= GOAL_CPU,
        ),
        Row(
            figure="large-site poll, unchanged: state writes",
            value=f"{writes} in {count} polls",
            goal="0",
            passed=writes == 0,
        ),
        Row(
            figure="large-site refresh, whole state: HA CPU vs orjson.loads",
            value=f"median {median(full) * 1000:.2f} ms = {ratio:.1f}x "
            f"orjson.loads {median(bare) * 1000:.2f} ms (same run, same payload)",
            goal=f"<= {GOAL_FULL_RATIO:g}x",
            passed=ratio <= GOAL_FULL_RATIO,
            note="the floor, same run: the same request and answer on a bare "
            f"aiohttp WebSocket {median(trip) * 1000:.2f} ms "
            f"({median(trip) / median(bare):.1f}x) + the typed decode of its "
            f"bytes alone {median(typed) * 1000:.2f} ms "
            f"({median(typed) / median(bare):.1f}x) = "
            f"{(median(trip) + median(typed)) / median(bare):.1f}x; "
            "for contrast the reference decoder: json.loads "
            f"{median(decode) * 1000:.2f} ms + HubState.from_dict "
            f"{median(parse) * 1000:.2f} ms",
        ),
    ]
