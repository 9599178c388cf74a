"""Fuzzing the parsers: frames, messages and models, on both sides of the wire.

Every parser that sees bytes from the other end is fed random and mutated
input. The rule is the same everywhere: the only exception that may come out
is the protocol's own (``AlarmHubProtocolError``), nothing hangs, and a
failed parse changes nothing. ``scripts/fuzz`` runs the same targets for
millions of inputs; this module is the bounded CI version (a few seconds).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
import contextlib
import copy
import json
import os
from typing import Any

from hypothesis import HealthCheck, assume, given, settings, strategies as st
import pytest

from custom_components.alarmhub.panels.exceptions import AlarmHubProtocolError
from custom_components.alarmhub.panels.hub.protocol import (
    ETX,
    HEADER,
    STX,
    TRAILER,
    ErrorCode,
    Event,
    FrameDecoder,
    Message,
    Request,
    Response,
    decode_message,
    encode_message,
    frame,
    parse_message,
)
from custom_components.alarmhub.panels.models import COLLECTIONS, HubInfo, HubState
from simulator.clock import ManualClock
from simulator.hub import Hub, load_site
from simulator.server import Session

#: Small enough that random headers never make a decoder wait long.
SMALL_MAX = 4096
OVERHEAD = HEADER.size + TRAILER.size
#: ``scripts/fuzz --hypothesis`` raises the number of examples for a long run.
FUZZ = settings(
    max_examples=int(os.environ.get("ALARMHUB_FUZZ_EXAMPLES", "100")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _json(integers: st.SearchStrategy[int]) -> st.SearchStrategy[Any]:
    scalars = (
        st.none()
        | st.booleans()
        | integers
        | st.floats(allow_nan=False, allow_infinity=False)  # JSON has neither
        | st.text(max_size=16)
    )
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=10,
    )


#: Any JSON, integers far beyond what the protocol allows included.
JSON = _json(st.integers(min_value=-(2**70), max_value=2**70))
#: What a valid message may carry: every integer below 2^63 (docs/protocol.md).
PROTOCOL_JSON = _json(st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1))
OBJECTS = st.dictionaries(st.text(max_size=8), PROTOCOL_JSON, max_size=4)
NAMES = st.text(min_size=1, max_size=12)
IDS = st.integers(min_value=0, max_value=2**53)

MESSAGES: st.SearchStrategy[Message] = st.one_of(
    st.builds(Request, id=IDS, cmd=NAMES, args=OBJECTS),
    st.builds(Event, seq=IDS, event=NAMES, data=OBJECTS),
    st.builds(Response, id=IDS, ok=st.just(True), result=OBJECTS),
    st.builds(
        Response,
        id=IDS,
        ok=st.just(False),
        error_code=NAMES,
        reason=st.text(max_size=20),
        details=OBJECTS,
    ),
)


def _frames(messages: list[Message]) -> list[bytes]:
    frames = [frame(encode_message(m)) for m in messages]
    assume(all(len(f) - OVERHEAD <= SMALL_MAX for f in frames))
    return frames


def _chunks(data: bytes, cuts: list[int]) -> Iterator[bytes]:
    start = 0
    for cut in sorted({c % (len(data) + 1) for c in cuts}):
        yield data[start:cut]
        start = cut
    yield data[start:]


def _decode(data: bytes, cuts: list[int] = []) -> tuple[list[bytes], FrameDecoder]:  # noqa: B006
    decoder = FrameDecoder(max_payload=SMALL_MAX)
    out = [p for chunk in _chunks(data, cuts) for p in decoder.feed(chunk)]
    return out, decoder


# ----- framing ------------------------------------------------------------


@FUZZ
@given(st.lists(MESSAGES, max_size=6), st.lists(st.integers(min_value=0)))
def test_valid_stream_decodes_the_same_at_any_split(
    messages: list[Message], cuts: list[int]
) -> None:
    """A valid frame stream cut anywhere decodes to the messages, in order."""
    frames = _frames(messages)
    payloads, decoder = _decode(b"".join(frames), cuts)
    assert [decode_message(p) for p in payloads] == messages
    assert decoder.dropped == 0


#: Pieces that make random streams interesting: real frames, stray STX/ETX,
#: headers whose two length fields agree (so the decoder has to wait).
PIECES = st.one_of(
    MESSAGES.map(lambda m: frame(encode_message(m))),
    st.binary(max_size=24),
    st.sampled_from([bytes([STX]), bytes([ETX]), bytes([STX, STX])]),
    st.integers(min_value=0, max_value=SMALL_MAX + 8).map(
        lambda n: HEADER.pack(STX, n, n ^ 0xFFFFFFFF)
    ),
)


@FUZZ
@given(st.lists(PIECES, max_size=12), st.lists(st.integers(min_value=0)))
def test_any_stream_is_split_invariant_and_never_raises(
    pieces: list[bytes], cuts: list[int]
) -> None:
    """Whatever the bytes, the decoder never raises and chunking does not matter."""
    data = b"".join(pieces)
    whole, _ = _decode(data)
    split, _ = _decode(data, cuts)
    assert split == whole
    assert all(len(p) <= SMALL_MAX for p in whole)


MUTATIONS = st.one_of(
    st.none(),
    st.tuples(st.just("flip"), st.integers(min_value=0), st.integers(0, 7)),
    st.tuples(st.just("drop"), st.integers(min_value=0), st.just(0)),
    st.tuples(st.just("insert"), st.integers(min_value=0), st.integers(0, 255)),
    st.tuples(st.just("cut"), st.integers(min_value=0), st.just(0)),
)


def _mutate(data: bytes, mutation: tuple[str, int, int]) -> bytes:
    kind, pos, arg = mutation
    # Inside the frame: after its STX (an STX inserted right after the first
    # is no damage at all: the frame just starts one byte later).
    start = 2 if kind == "insert" else 1
    pos = start + pos % (len(data) - start)
    if kind == "flip":
        return data[:pos] + bytes([data[pos] ^ (1 << arg)]) + data[pos + 1 :]
    if kind == "drop":
        return data[:pos] + data[pos + 1 :]
    if kind == "insert":
        return data[:pos] + bytes([arg]) + data[pos:]
    return data[:pos]


@FUZZ
@given(
    st.lists(st.tuples(MESSAGES, MUTATIONS), min_size=1, max_size=6),
    st.lists(st.integers(min_value=0)),
)
def test_damaged_frames_are_dropped_and_the_rest_survive(
    items: list[tuple[Message, tuple[str, int, int] | None]], cuts: list[int]
) -> None:
    """Each damaged frame is rejected; every intact one is delivered, in order."""
    frames = _frames([m for m, _ in items])
    stream = b"".join(
        f if mutation is None else _mutate(f, mutation)
        for f, (_, mutation) in zip(frames, items, strict=True)
    )
    # Bytes that follow on a live line let a decoder waiting on a damaged
    # length give up on it; a quiet line is handled by SerialTransport.
    stream += bytes(SMALL_MAX + OVERHEAD)
    payloads, _ = _decode(stream, cuts)
    intact = [m for m, mutation in items if mutation is None]
    assert [decode_message(p) for p in payloads] == intact


# ----- messages -------------------------------------------------------------


def _only_protocol_errors(payload: bytes | str) -> Message | None:
    try:
        return decode_message(payload)
    except AlarmHubProtocolError:
        return None


@FUZZ
@given(st.binary(max_size=256) | st.text(max_size=128))
def test_decode_message_random_bytes(payload: bytes | str) -> None:
    """Random bytes or text: a message or ProtocolError, nothing else."""
    _only_protocol_errors(payload)


@FUZZ
@given(JSON)
def test_parse_message_random_json(value: Any) -> None:
    """Any JSON value: a message or ProtocolError, nothing else."""
    with contextlib.suppress(AlarmHubProtocolError):
        parse_message(value)
    _only_protocol_errors(json.dumps(value))


def _shapes() -> st.SearchStrategy[dict[str, Any]]:
    """Message-shaped objects with random field values: the near misses."""
    fields = {
        "type": st.sampled_from(["req", "res", "evt", "x"]) | JSON,
        "id": IDS | JSON,
        "seq": IDS | JSON,
        "cmd": NAMES | JSON,
        "event": NAMES | JSON,
        "ok": st.booleans() | JSON,
        "args": OBJECTS | JSON,
        "data": OBJECTS | JSON,
        "result": OBJECTS | JSON,
        "error": st.fixed_dictionaries(
            {}, optional={"code": NAMES | JSON, "reason": JSON, "details": JSON}
        )
        | JSON,
    }
    return st.fixed_dictionaries({}, optional=fields)


@FUZZ
@given(_shapes())
def test_parse_message_near_misses(obj: dict[str, Any]) -> None:
    """Message-shaped objects with wrong types parse or raise ProtocolError."""
    try:
        message = parse_message(obj)
    except AlarmHubProtocolError:
        return
    assert decode_message(encode_message(message)) == message


@pytest.mark.parametrize("depth", [10, 1_000, 100_000])
def test_deeply_nested_json(depth: int) -> None:
    """Nesting deep enough to exhaust the recursion limit is a ProtocolError."""
    payload = '{"type":"evt","seq":1,"event":"x","data":{"a":' + "[" * depth
    payload += "]" * depth + "}}"
    message = _only_protocol_errors(payload)
    assert message is not None or depth > 100


# ----- models ---------------------------------------------------------------

SITE = load_site()
VALID_STATE = Hub(copy.deepcopy(SITE), clock=ManualClock()).state()


def _slots(value: Any) -> Iterator[tuple[Any, Any]]:
    """Yield every (container, key) pair inside a JSON value."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, inner in items:
        yield value, key
        if isinstance(inner, dict | list):
            yield from _slots(inner)


@st.composite
def _mutated_state(draw: st.DrawFn) -> dict[str, Any]:
    """The demo hub's real state with a few fields replaced or removed."""
    state = copy.deepcopy(VALID_STATE)
    slots = list(_slots(state))
    for _ in range(draw(st.integers(1, 3))):
        container, key = draw(st.sampled_from(slots))
        if isinstance(container, dict) and draw(st.booleans()):
            container.pop(key, None)
        else:
            container[key] = draw(JSON | st.text(max_size=40) | st.integers())
    return state


@FUZZ
@given(_mutated_state() | st.dictionaries(st.text(max_size=8), JSON, max_size=6))
def test_hub_state_from_dict(obj: dict[str, Any]) -> None:
    """A damaged get_state result parses or raises ProtocolError only."""
    with contextlib.suppress(AlarmHubProtocolError):
        HubState.from_dict(obj)


def test_valid_state_parses() -> None:
    """The simulator's own state always parses (the fuzzing's baseline)."""
    state = HubState.from_dict(VALID_STATE)
    assert state.partitions and state.zones


@FUZZ
@given(
    st.fixed_dictionaries(
        {},
        optional={
            key: JSON | st.text(max_size=12)
            for key in (
                "model",
                "serial",
                "firmware",
                "name",
                "capabilities",
                "min_code_length",
                "max_code_length",
            )
        },
    )
)
def test_hub_info_from_dict(obj: dict[str, Any]) -> None:
    """A damaged hello result parses or raises ProtocolError only."""
    with contextlib.suppress(AlarmHubProtocolError):
        HubInfo.from_dict(obj)


EVENT_NAMES = st.sampled_from(
    [*COLLECTIONS, *(f"{kind}_removed" for kind in COLLECTIONS), "alarm", "x"]
)


@st.composite
def _event_data(draw: st.DrawFn) -> dict[str, Any]:
    state = draw(_mutated_state())
    lists = [items for items in state.values() if isinstance(items, list)]
    objects = [o for items in lists for o in items if isinstance(o, dict)]
    if objects and draw(st.booleans()):
        return dict(draw(st.sampled_from(objects)))
    return draw(OBJECTS | st.fixed_dictionaries({"id": JSON}))


@FUZZ
@given(EVENT_NAMES, _event_data())
def test_apply_is_atomic(event: str, data: dict[str, Any]) -> None:
    """An event applies whole or raises ProtocolError and changes nothing."""
    state = HubState.from_dict(VALID_STATE)
    before = copy.deepcopy(state)
    try:
        state.apply(event, data)
    except AlarmHubProtocolError:
        assert state == before


# ----- the hub's side: Session.receive ----------------------------------------


def _requests() -> st.SearchStrategy[bytes]:
    commands = sorted(Hub(copy.deepcopy(SITE), clock=ManualClock()).commands)
    cmd = st.sampled_from([*commands, "hello", "pair", "nope"]) | NAMES
    args = st.dictionaries(
        st.sampled_from(
            ["partition", "mode", "code", "zone", "bypassed", "id", "lock", "scene"]
        )
        | st.text(max_size=8),
        JSON | st.sampled_from(["1", "2", "away", "stay", "4826"]),
        max_size=4,
    )
    return st.builds(
        lambda i, c, a: encode_message(Request(id=i, cmd=c, args=a)), IDS, cmd, args
    )


HELLO = encode_message(Request(id=0, cmd="hello", args={}))


async def _serve(payloads: list[bytes | str]) -> list[bytes]:
    sent: list[bytes] = []

    async def send(payload: bytes) -> None:
        sent.append(payload)

    hub = Hub(copy.deepcopy(SITE), clock=ManualClock())
    session = Session(hub, send, needs_token=False)
    for payload in payloads:
        session.receive(payload)
    for _ in range(20):
        await asyncio.sleep(0)
    await session.close()
    return sent


@FUZZ
@given(
    st.booleans(),
    st.lists(_requests() | st.binary(max_size=64) | JSON.map(json.dumps), max_size=8),
)
def test_session_receive(hello: bool, payloads: list[bytes | str]) -> None:
    """The hub answers every request it can parse, with a well-formed message.

    Garbage is dropped; a request with wrong arguments gets a refusal with a
    protocol error code, never a crash (``internal``) of the simulated hub.
    """
    if hello:
        payloads = [HELLO, *payloads]
    requests = [
        m for p in payloads if isinstance(m := _only_protocol_errors(p), Request)
    ]
    with asyncio.Runner() as runner:
        sent = runner.run(_serve(payloads))
    answers = [decode_message(p) for p in sent]
    responses = [a for a in answers if isinstance(a, Response)]
    assert sorted(r.id for r in responses) == sorted(r.id for r in requests)
    for response in responses:
        assert response.ok or response.error_code in set(ErrorCode)
        assert response.error_code != ErrorCode.INTERNAL, response
