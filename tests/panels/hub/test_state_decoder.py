"""The typed decoder of ``get_state`` (msgspec) against the reference, from_dict.

The typed pass may only accept what ``HubState.from_dict`` accepts, with the
same result; whatever it refuses goes to ``from_dict``, which accepts or
refuses it as it always did. Checked on both sites, on hand-picked edges, on
random mutations of a real state, and through a real client and simulator.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st
import orjson
import pytest

from custom_components.alarmhub.panels.exceptions import (
    AlarmHubProtocolError,
    ProtocolError,
)
from custom_components.alarmhub.panels.hub import AlarmHubClient, SerialTransport
from custom_components.alarmhub.panels.hub.protocol import MAX_PAYLOAD, Event
from custom_components.alarmhub.panels.hub.state import (
    Unchanged,
    decode_state,
    state_answer,
)
from custom_components.alarmhub.panels.models import HubState
from simulator.hub import Hub, load_site
from simulator.server import SimulatorServer

from .test_fuzz import JSON

LARGE = "simulator/sites/large.yaml"


def _payload(result: Any, **extra: Any) -> bytes:
    """Return a successful answer carrying ``result``, as the hub sends it."""
    message = {"type": "res", "id": 7, "ok": True, "result": result, **extra}
    return json.dumps(message).encode()


def _reference(result: dict[str, Any]) -> HubState | Unchanged:
    """What the reference path makes of a result (raises ProtocolError)."""
    return decode_state(orjson.loads(json.dumps(result)))


def _state(site: str | None = None) -> dict[str, Any]:
    hub = Hub(load_site(site) if site else load_site())
    return {"seq": 12, **hub.state()}


@pytest.mark.parametrize("site", [None, LARGE])
def test_both_sites_decode_as_from_dict_does(site: str | None) -> None:
    """The demo and the large site: the typed pass, same state as from_dict."""
    result = _state(site)
    answer = state_answer(_payload(result))
    assert answer is not None
    assert answer.id == 7
    state = decode_state(answer.wire)
    assert state == HubState.from_dict(result)
    assert isinstance(state, HubState)
    assert len(state.users) == len(result["users"])


def _user(result: dict[str, Any], **fields: Any) -> dict[str, Any]:
    user = result["users"][0]
    for key, value in fields.items():
        if value is ...:
            user.pop(key, None)
        else:
            user[key] = value
    return result


EDGES: list[tuple[str, dict[str, Any], bool]] = [
    # (what, fields of the first user, the typed pass takes it)
    ("no uid: the slot number", {"uid": ...}, True),
    (
        "code on a lock, another refused",
        {"locks": {"1": "in_sync", "2": "failed"}, "lock_errors": {"2": "full"}},
        True,
    ),
    ("last_changed", {"last_changed": "2026-09-21T14:00:00.123456+02:00"}, True),
    ("empty uid: the slot number", {"uid": ""}, True),
    ("null uid", {"uid": None}, False),
    ("lock error that is a number", {"lock_errors": {"1": 5}}, False),
    ("date-only last_changed", {"last_changed": "2026-09-21"}, False),
    ("largest slot", {"slot": 2**63 - 1}, True),
    ("plain schedule", {"schedule": {"windows": [{"days": ["mon"]}]}}, True),
    ("schedule with a huge integer", {"schedule": {"n": 2**63}}, False),
    ("deep schedule", {"schedule": {"a": [[[[[[[[[1]]]]]]]]]}}, False),
]


@pytest.mark.parametrize(("what", "fields", "typed"), EDGES, ids=[e[0] for e in EDGES])
def test_edges_the_typed_pass_leaves_to_from_dict(
    what: str, fields: dict[str, Any], typed: bool
) -> None:
    """Where msgspec would read the wire otherwise, from_dict decides."""
    result = _user(_state(), **fields)
    answer = state_answer(_payload(result))
    assert (answer is not None) is typed, what
    expected = _reference(result)
    if answer is not None:
        assert decode_state(answer.wire) == expected
    assert isinstance(expected, HubState)
    user = expected.users[str(result["users"][0]["slot"])]
    assert user.uid  # never empty: the slot number when the hub sent none


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"slot": 2**63}, "out of range"),
        ({"slot": True}, "must be int"),
        ({"status": "exploded"}, "unknown status"),
        ({"locks": {"1": "half"}}, "unknown lock sync state"),
        ({"name": None}, "'name' must be str"),
        ({"slot": ...}, "missing field 'slot'"),
    ],
)
def test_malformed_states_are_refused_as_before(
    fields: dict[str, Any], message: str
) -> None:
    """The typed pass refuses; from_dict says why, in its own words."""
    result = _user(_state(), **fields)
    assert state_answer(_payload(result)) is None
    with pytest.raises(ProtocolError, match=message):
        _reference(result)


def test_unchanged_answers() -> None:
    """``unchanged`` is read the same both ways; its seq is checked by the client."""
    answer = state_answer(_payload({"seq": 12, "unchanged": True}))
    assert answer is not None
    assert decode_state(answer.wire) == Unchanged(12)
    assert _reference({"seq": "12", "unchanged": True}) == Unchanged("12")
    assert state_answer(_payload({"seq": "12", "unchanged": True})) is None


@pytest.mark.parametrize(
    "payload",
    [
        b'{"type":"evt","seq":1,"event":"zone","data":{}}',
        b'{"type":"res","id":7,"ok":false,"error":{"code":"x"}}',
        b'{"type":"res","id":-1,"ok":true,"result":{"seq":1}}',
        b'{"type":"req","id":7,"ok":true,"result":{"seq":1}}',
        b'{"type":"res","id":7,"ok":true,"result":[]}',
        b'{"type":"res","id":7,"ok":true,"result":{"seq":1,"zones":"\\ud800"}}',
        b"[1, 2]",
        b"{",
        b" " * (MAX_PAYLOAD + 1),
    ],
)
def test_other_messages_are_left_to_decode_message(payload: bytes) -> None:
    """Events, refusals and anything malformed: not a state answer."""
    assert state_answer(payload) is None


#: A place in a state (collection, which object, which field) and a new value.
MUTATIONS = st.tuples(
    st.sampled_from(["partitions", "zones", "users", "locks", "cameras", "clouds"]),
    st.integers(min_value=0),
    st.integers(min_value=0),
    st.one_of(st.just(...), JSON),
)


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(MUTATIONS, min_size=1, max_size=4))
def test_random_mutations_are_read_as_from_dict_reads_them(
    mutations: list[tuple[str, int, int, Any]],
) -> None:
    """Any field of any object set to any JSON (or removed): same verdict."""
    result = copy.deepcopy(BASE)
    for collection, which, key, value in mutations:
        items = result[collection]
        item = items[which % len(items)]
        name = sorted(item)[key % len(item)]
        if value is ...:
            del item[name]
        else:
            item[name] = value
    payload = _payload(result)
    answer = state_answer(payload)
    try:
        expected: HubState | Unchanged | None = _reference(
            orjson.loads(payload)["result"]
        )
    except ProtocolError:
        expected = None
    if answer is not None:
        assert expected is not None
        assert decode_state(answer.wire) == expected


BASE = _state()


@pytest.fixture
async def client(simulator: SimulatorServer) -> AsyncGenerator[AlarmHubClient]:
    """Return a client on the simulator's serial line."""
    assert simulator.pty_path
    client = AlarmHubClient(SerialTransport(simulator.pty_path), request_timeout=5)
    await client.connect()
    yield client
    await client.close()


async def test_client_reads_the_state_in_one_typed_pass(
    client: AlarmHubClient, hub: Hub
) -> None:
    """Over a real line: the typed state equals the reference one, and another
    answer arriving meanwhile is decoded the ordinary way."""
    state, plain = await asyncio.gather(client.get_state(), client.request("get_state"))
    assert state == HubState.from_dict(plain)
    assert state.seq == hub.seq


async def test_client_refuses_a_malformed_state_as_before(
    client: AlarmHubClient, hub: Hub
) -> None:
    """A bad state is a ProtocolError naming the field; a null uid is the slot."""
    get_state = hub.commands["get_state"]
    changed: dict[str, Any] = {}

    async def answer(args: dict[str, Any]) -> dict[str, Any]:
        return {**(await get_state(args)), **changed}

    hub.commands["get_state"] = answer
    changed["zones"] = [{"id": "1", "name": "Door", "partition": "1", "type": "tuba"}]
    with pytest.raises(AlarmHubProtocolError, match="unknown type"):
        await client.get_state()
    changed["zones"] = []
    changed["users"] = [{"slot": 3, "name": "Kim", "status": "active", "uid": None}]
    state = await client.get_state()
    assert state.users["3"].uid == "3"
    assert not state.zones


async def test_events_while_waiting_still_reach_subscribers(
    client: AlarmHubClient, hub: Hub
) -> None:
    """An event that comes while a get_state waits is decoded as always."""
    seen: list[Event] = []
    client.subscribe(lambda event, gap: seen.append(event))
    get_state = hub.commands["get_state"]

    async def answer(args: dict[str, Any]) -> dict[str, Any]:
        hub.emit("zone", {**hub.state()["zones"][0], "open": True})
        await asyncio.sleep(0)
        return await get_state(args)

    hub.commands["get_state"] = answer
    await client.get_state()
    assert [event.event for event in seen] == ["zone"]
