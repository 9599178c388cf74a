"""Long fuzz run of every parser that reads the other end's bytes (atheris).

Run through ``scripts/fuzz``. One libFuzzer target dispatches on the first
byte of each input to:

0. ``FrameDecoder.feed`` — the serial framing, fed in chunks the input picks;
   checks the output does not depend on the chunking;
1. ``decode_message`` — one WebSocket text message / frame payload;
2. ``HubState.from_dict``, ``HubInfo.from_dict`` and ``HubState.apply`` on the
   JSON the input holds (seeded with the simulator's real state);
3. the simulator's ``Session.receive`` (the hub's side of the wire).

Only ``AlarmHubProtocolError`` may come out of a parser; anything else is a
crash that atheris reports with the input that caused it.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
from pathlib import Path
import sys
import time

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports(
    include=["custom_components.alarmhub.panels.hub", "simulator"]
):
    from custom_components.alarmhub.panels.exceptions import AlarmHubProtocolError
    from custom_components.alarmhub.panels.hub.protocol import (
        FrameDecoder,
        Request,
        decode_message,
        encode_message,
        frame,
    )
    from custom_components.alarmhub.panels.models import COLLECTIONS, HubInfo, HubState
    from simulator.clock import ManualClock
    from simulator.hub import Hub, load_site
    from simulator.server import Session

SITE = load_site()
STATE = Hub(copy.deepcopy(SITE), clock=ManualClock()).state()
EVENTS = [*COLLECTIONS, *(f"{kind}_removed" for kind in COLLECTIONS)]
LOOP = asyncio.new_event_loop()
#: One hub for every session input: its state wanders as inputs arm, lock, ...
HUB = Hub(copy.deepcopy(SITE), clock=ManualClock())
COUNT = 0
START = time.monotonic()
RUNS = 0


def _frames(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    cuts = sorted(fdp.ConsumeIntListInRange(4, 0, 4096))
    stream = fdp.ConsumeBytes(fdp.remaining_bytes())
    whole = list(FrameDecoder(max_payload=4096).feed(stream))
    decoder = FrameDecoder(max_payload=4096)
    split: list[bytes] = []
    start = 0
    for cut in [*cuts, len(stream)]:
        split.extend(decoder.feed(stream[start:cut]))
        start = max(start, cut)
    if split != whole:
        raise AssertionError("decoding depends on how the bytes were chunked")


def _message(data: bytes) -> None:
    with contextlib.suppress(AlarmHubProtocolError):
        decode_message(data)


def _models(data: bytes) -> None:
    try:
        obj = json.loads(data)
    except ValueError, RecursionError:
        return
    if not isinstance(obj, dict):
        return
    with contextlib.suppress(AlarmHubProtocolError):
        HubState.from_dict(obj)
    with contextlib.suppress(AlarmHubProtocolError):
        HubInfo.from_dict(obj)
    state = HubState.from_dict(STATE)
    collections = [collection for collection, _ in COLLECTIONS.values()]
    for event in EVENTS:
        # Objects are frozen: copying the dicts is a full copy of the state.
        before = [dict(getattr(state, c)) for c in collections]
        try:
            state.apply(event, obj)
        except AlarmHubProtocolError:
            if before != [getattr(state, c) for c in collections]:
                raise AssertionError("a refused event changed the state") from None


async def _serve(payload: bytes) -> None:
    async def send(_: bytes) -> None:
        return None

    session = Session(HUB, send, needs_token=False)
    session.receive(encode_message(Request(id=0, cmd="hello", args={})))
    session.receive(payload)
    for _ in range(4):
        await asyncio.sleep(0)
    await session.close()


def _session(data: bytes) -> None:
    LOOP.run_until_complete(_serve(data))


TARGETS = (_frames, _message, _models, _session)


def test_one_input(data: bytes) -> None:
    """Run one input through the target its first byte picks."""
    global COUNT  # noqa: PLW0603
    COUNT += 1
    if data:
        TARGETS[data[0] % len(TARGETS)](data[1:])
    if COUNT % 100_000 == 0 or COUNT == RUNS:
        elapsed = time.monotonic() - START
        print(
            f"fuzz: {COUNT:,} inputs in {elapsed:.1f} s ({COUNT / elapsed:,.0f}/s)",
            flush=True,
        )


def _seeds(directory: Path) -> None:
    """Write a seed corpus: real frames, messages and the real state."""
    directory.mkdir(parents=True, exist_ok=True)
    state = json.dumps(STATE).encode()
    request = encode_message(Request(id=7, cmd="arm", args={"partition": "1"}))
    seeds = {
        "frames": b"\x00" + frame(state[:3000]) + frame(request),
        "message": b"\x01" + request,
        "state": b"\x02" + state,
        "zone": b"\x02" + json.dumps(STATE["zones"][0]).encode(),
        "session": b"\x03" + request,
    }
    for name, seed in seeds.items():
        (directory / name).write_bytes(seed)


def main() -> None:
    """Parse ``-runs=N`` for the summary line, then hand over to libFuzzer."""
    global RUNS  # noqa: PLW0603
    for arg in sys.argv[1:]:
        if arg.startswith("-runs="):
            RUNS = int(arg.removeprefix("-runs="))
    corpus = [Path(a) for a in sys.argv[1:] if not a.startswith("-")]
    for directory in corpus:
        if not any(directory.glob("*")):
            _seeds(directory)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
