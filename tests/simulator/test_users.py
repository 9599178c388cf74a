"""The simulated hub's users, codes and door locks (no Home Assistant)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import ClientSession
import pytest

from custom_components.alarmhub.panels.hub import ArmMode, HubState, zcl
from custom_components.alarmhub.panels.hub.protocol import ErrorCode
from simulator.clock import ManualClock
from simulator.hub import Hub, load_site
from simulator.locks import door_locks
from simulator.panel import Rejection
from simulator.server import SimulatorServer

CODE = "583920"


@pytest.fixture
def site() -> dict[str, Any]:
    site = load_site()
    site["locks"][1]["travel_seconds"] = 2
    return site


@pytest.fixture
def hub(site: dict[str, Any], clock: ManualClock) -> Hub:
    return Hub(site, clock=clock)


@pytest.fixture
def events(hub: Hub) -> list[tuple[str, dict[str, Any]]]:
    seen: list[tuple[str, dict[str, Any]]] = []
    hub.listen(lambda event: seen.append((event.event, event.data)))
    return seen


async def call(hub: Hub, cmd: str, **args: Any) -> dict[str, Any]:
    return await hub.handle(cmd, args)


async def refused(hub: Hub, cmd: str, **args: Any) -> Rejection:
    with pytest.raises(Rejection) as err:
        await hub.handle(cmd, args)
    return err.value


def pin_frame(slot: int, code: str | None, tsn: int = 7) -> str:
    user_id = zcl.zcl_user_id(slot)
    if code is None:
        return zcl.encode_clear_pin_code(tsn, user_id).hex()
    return zcl.encode_set_pin_code(tsn, user_id, code).hex()


def wire(hub: Hub) -> str:
    return json.dumps(hub.state())


async def test_add_user_pending_then_active(
    hub: Hub, clock: ManualClock, events: list[tuple[str, dict[str, Any]]]
) -> None:
    """The demo's activation lag: pending for 180 s, then active and announced."""
    result = await call(hub, "add_user", name="Kim", code=CODE)
    assert "code" not in result  # a chosen code is never sent back
    user = result["user"]
    assert (user["slot"], user["status"]) == (4, "pending")
    assert user["last_changed"] == "2026-09-21T14:13:20+00:00"
    with pytest.raises(Rejection):
        hub.panel.check_code(CODE)  # a pending code does not work yet
    clock.advance(179)
    assert hub.panel.users[4].status == "pending"
    clock.advance(1)
    assert events[-2:] == [
        ("user", {**user, "status": "active"}),
        ("code_active", {"slot": 4, "name": "Kim"}),
    ]
    assert hub.panel.check_code(CODE).name == "Kim"
    assert CODE not in wire(hub) + json.dumps(events)
    HubState.from_dict(hub.state())  # the client's models parse it


async def test_instant_activation(site: dict[str, Any], clock: ManualClock) -> None:
    site["panel"]["code_activation_seconds"] = 0
    hub = Hub(site, clock=clock)
    seen: list[str] = []
    hub.listen(lambda event: seen.append(event.event))
    result = await call(hub, "add_user", name="Kim", code=CODE)
    assert result["user"]["status"] == "active"
    assert seen == ["user", "code_active"]


async def test_random_code_only_in_its_response(
    hub: Hub, events: list[tuple[str, dict[str, Any]]]
) -> None:
    result = await call(hub, "add_user", name="Kim", random=True, length=8)
    code = result["code"]
    assert len(code) == 8
    assert hub.panel.users[4].code == code
    assert code not in wire(hub) + json.dumps(events)
    result = await call(hub, "update_user", slot=4, random=True)
    assert len(result["code"]) == 6
    assert result["code"] not in wire(hub) + json.dumps(events)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("4826", "duplicate"),  # Alex's code
        ("8315", "duplicate"),  # the duress code
        ("1234", "common"),
        ("1999", "year"),
        ("456789", "common"),
        ("13579bd", "not_digits"),
    ],
)
async def test_chosen_code_rules(hub: Hub, code: str, reason: str) -> None:
    err = await refused(hub, "add_user", name="Kim", code=code)
    assert err.code is ErrorCode.CODE_REJECTED
    assert err.details == {"code_reason": reason}
    assert code not in err.reason
    assert len(hub.panel.users) == 3


async def test_update_user_keeps_own_code_out_of_taken(hub: Hub) -> None:
    await call(hub, "update_user", slot=1, code="4826")  # Alex keeps her code
    err = await refused(hub, "update_user", slot=1, code="7391")  # Sam's
    assert err.details == {"code_reason": "duplicate"}
    await call(hub, "update_user", slot=1, name="Alexandra")
    assert hub.panel.users[1].name == "Alexandra"
    assert (await refused(hub, "update_user", slot=1)).code is ErrorCode.BAD_REQUEST
    assert (await refused(hub, "update_user", slot=9, name="x")).code is (
        ErrorCode.NOT_FOUND
    )


@pytest.mark.parametrize(
    ("cmd", "args"),
    [
        ("add_user", {"name": "Kim", "code": CODE}),
        ("update_user", {"slot": 2, "code": CODE}),
        ("update_user", {"slot": 2, "name": "Samuel"}),
        ("delete_user", {"slot": 2}),
        ("lock_zcl", {"lock": "1", "frame": pin_frame(2, "7391")}),
        ("lock_zcl", {"lock": "1", "frame": pin_frame(2, None)}),
    ],
)
async def test_edits_refused_while_armed(
    hub: Hub, clock: ManualClock, cmd: str, args: dict[str, Any]
) -> None:
    """Any partition not disarmed (arming too) stops every edit, named."""
    hub.panel.arm("2", ArmMode.AWAY)
    before = wire(hub)
    err = await refused(hub, cmd, **args)
    assert err.code is ErrorCode.SYSTEM_ARMED
    assert err.details["partition"] == "Garage"
    assert err.reason == "Garage is arming"
    assert wire(hub) == before
    assert door_locks(hub).locks["1"].pins == {}


async def test_change_id_is_applied_once(
    hub: Hub, events: list[tuple[str, dict[str, Any]]]
) -> None:
    first = await call(hub, "add_user", name="Kim", random=True, change_id="c-1")
    count = len(events)
    again = await call(hub, "add_user", name="Kim", random=True, change_id="c-1")
    assert again == first
    assert len(hub.panel.users) == 4
    assert len(events) == count  # nothing happened twice
    err = await refused(hub, "delete_user", slot=4, change_id="c-1")
    assert err.reason == "change_id reused"
    # A refused change is not remembered: the same id may be sent again.
    hub.panel.arm("1", ArmMode.STAY)
    await refused(hub, "delete_user", slot=4, change_id="c-2")
    hub.panel.disarm_by(hub.panel.partitions["1"], "test")
    await call(hub, "delete_user", slot=4, change_id="c-2")
    await call(hub, "delete_user", slot=4, change_id="c-2")
    assert 4 not in hub.panel.users


async def test_codes_on_two_locks_then_removed_from_one(
    hub: Hub, events: list[tuple[str, dict[str, Any]]]
) -> None:
    locks = door_locks(hub).locks
    await call(hub, "add_user", name="Kim", code=CODE)
    for lock in ("1", "2"):
        answer = await call(hub, "lock_zcl", lock=lock, frame=pin_frame(4, CODE))
        assert answer["status"] == "success"
        response = zcl.decode_response(bytes.fromhex(answer["frame"]))
        assert (response.tsn, response.command, response.ok) == (
            7,
            "set_pin_code",
            True,
        )
    assert locks["1"].pins == {3: CODE} == locks["2"].pins  # slot 4 is user id 3
    assert hub.panel.users[4].locks == {"1": "in_sync", "2": "in_sync"}
    answer = await call(hub, "lock_zcl", lock="2", frame=pin_frame(4, None))
    assert answer["status"] == "success"
    assert hub.panel.users[4].locks == {"1": "in_sync"}
    assert locks["1"].accepts(CODE)
    assert not locks["2"].keypad(CODE)
    assert locks["1"].keypad(CODE)
    assert CODE not in json.dumps(events) + wire(hub)


async def test_lock_refusals_are_failed_syncs(
    hub: Hub, events: list[tuple[str, dict[str, Any]]]
) -> None:
    lock = door_locks(hub).locks["2"]
    lock.pins[199] = CODE  # programmed at the door, unknown to the hub
    await call(hub, "add_user", name="Kim", code=CODE)
    answer = await call(hub, "lock_zcl", lock="2", frame=pin_frame(4, CODE))
    assert answer["status"] == "duplicate_code"
    user = hub.panel.users[4]
    assert (user.locks, user.lock_errors) == ({"2": "failed"}, {"2": "duplicate_code"})
    assert events[-1] == (
        "code_failed",
        {
            "slot": 4,
            "name": "Kim",
            "lock": "2",
            "lock_name": "Back door lock",
            "reason": "duplicate_code",
        },
    )
    lock.min_pin_length = 7  # a lock that wants longer PINs
    answer = await call(hub, "lock_zcl", lock="2", frame=pin_frame(1, "4826"))
    assert answer["status"] == "general_failure"


async def test_unresponsive_lock_times_out(hub: Hub) -> None:
    lock = door_locks(hub).locks["1"]
    lock.set_responsive(False)
    assert hub.state()["locks"][0]["online"] is False
    err = await refused(hub, "lock_zcl", lock="1", frame=pin_frame(1, "4826"))
    assert err.code is ErrorCode.TIMEOUT
    user = hub.panel.users[1]
    assert (user.locks, user.lock_errors) == ({"1": "failed"}, {"1": "no_answer"})
    assert (await refused(hub, "unlock", lock="1")).code is ErrorCode.TIMEOUT
    lock.set_responsive(True)
    await call(hub, "lock_zcl", lock="1", frame=pin_frame(1, "4826"))
    assert (user.locks, user.lock_errors) == ({"1": "in_sync"}, {})


async def test_lock_zcl_checks_what_it_carries(hub: Hub) -> None:
    err = await refused(hub, "lock_zcl", lock="1", frame=pin_frame(2, "4826"))
    assert err.code is ErrorCode.INVALID_CODE  # not Sam's code: a wrong code
    assert err.details == {"attempts_left": 4}
    assert hub.panel.failed_attempts == 1
    assert "4826" not in err.reason
    err = await refused(hub, "lock_zcl", lock="1", frame=pin_frame(9, CODE))
    assert err.code is ErrorCode.NOT_FOUND
    for frame in ("zz", "", zcl.encode_response(1, "set_pin_code", 0).hex()):
        err = await refused(hub, "lock_zcl", lock="1", frame=frame)
        assert err.code is ErrorCode.BAD_REQUEST
    err = await refused(hub, "lock_zcl", lock="9", frame=pin_frame(1, "4826"))
    assert err.code is ErrorCode.NOT_FOUND
    assert door_locks(hub).locks["1"].pins == {}


async def test_changed_code_marks_locks_pending(hub: Hub) -> None:
    await call(hub, "lock_zcl", lock="1", frame=pin_frame(1, "4826"))
    await call(hub, "update_user", slot=1, code=CODE)
    assert hub.panel.users[1].locks == {"1": "pending"}
    await call(hub, "lock_zcl", lock="1", frame=pin_frame(1, CODE))
    assert hub.panel.users[1].locks == {"1": "in_sync"}
    assert door_locks(hub).locks["1"].pins == {0: CODE}


async def test_delete_user(hub: Hub, events: list[tuple[str, dict[str, Any]]]) -> None:
    await call(hub, "delete_user", slot=3)
    assert events[-1] == ("user_removed", {"id": "3"})
    assert [u["slot"] for u in hub.state()["users"]] == [1, 2]
    added = await call(hub, "add_user", name="Kim", code=CODE)
    assert added["user"]["slot"] == 3  # the lowest free slot
    assert added["user"]["uid"] == "3-1"  # someone new, not the dog walker
    assert [u["uid"] for u in hub.state()["users"]] == ["1", "2", "3-1"]


async def test_lock_states(
    hub: Hub, clock: ManualClock, events: list[tuple[str, dict[str, Any]]]
) -> None:
    """The back door lock takes 2 s to move; a jam shows as jammed."""
    assert (await call(hub, "unlock", lock="2")) == {"state": "unlocking"}
    clock.advance(2)
    states = [data["state"] for name, data in events if name == "lock"]
    assert states == ["unlocking", "unlocked"]
    lock = door_locks(hub).locks["2"]
    lock.jam_next = True
    await call(hub, "lock", lock="2")
    clock.advance(2)
    assert lock.state.value == "jammed"
    await call(hub, "lock", lock="2")  # try again
    clock.advance(2)
    assert lock.state.value == "locked"
    assert (await call(hub, "unlock", lock="1")) == {"state": "unlocked"}
    assert (await refused(hub, "lock", lock="7")).code is ErrorCode.NOT_FOUND


async def test_admin_lock_hooks(hub: Hub, socket_enabled: None) -> None:
    """The admin surface makes a lock stop answering, or jam."""
    server = SimulatorServer(hub)
    await server.start()
    try:
        async with ClientSession() as session:
            url = f"{server.url}/admin/locks/1"
            async with session.post(url, json={"responsive": False, "jam": True}) as r:
                assert (await r.json())["online"] is False
            async with session.post(f"{server.url}/admin/locks/9", json={}) as r:
                assert r.status == 404
    finally:
        await server.stop()
    lock = door_locks(hub).locks["1"]
    assert (lock.responsive, lock.jam_next) == (False, True)
