"""User codes by keypad programming: master + 8 + NN + code, or + #0."""

from __future__ import annotations

import pytest

from custom_components.alarmhub.panels.alarmdecoder import (
    AlarmDecoderPanel,
    PanelType,
)
from custom_components.alarmhub.panels.base import UserChange
from custom_components.alarmhub.panels.exceptions import (
    AlarmHubConnectionError,
    AlarmHubRejectedError,
    AlarmHubTimeoutError,
    ErrorCode,
)
from custom_components.alarmhub.panels.models import ArmMode, User

from . import lines as L
from .conftest import MASTER, Clock, MakePanel, replay_lines, wait_for
from .fake_ad2 import FakeAD2

NEW = "2468"


async def test_add_change_delete(panel: AlarmDecoderPanel, ad2: FakeAD2) -> None:
    events = panel.events  # type: ignore[attr-defined]
    ad2.when(MASTER + "804" + NEW, L.READY_BEEP)
    result = await panel.change_user(
        UserChange.ADD_USER, change_id="a", name="Bob", code=NEW
    )
    assert result["user"]["slot"] == 4  # 03 is Alice's: the lowest free is 04
    assert User.from_dict(result["user"]).name == "Bob"
    assert events[-1].event == "user" and events[-1].data == result["user"]
    # A repeat is answered with the first result, without keying again.
    again = await panel.change_user(
        UserChange.ADD_USER, change_id="a", name="Bob", code=NEW
    )
    assert again == result
    assert ad2.received.count((MASTER + "804").encode()) == 1
    ad2.when(MASTER + "8041357", L.READY_BEEP)
    result = await panel.change_user(
        UserChange.UPDATE_USER, change_id="b", slot=4, code="1357"
    )
    assert result["user"]["name"] == "Bob"
    renamed = await panel.change_user(
        UserChange.UPDATE_USER, change_id="c", slot=4, name="Robert"
    )
    assert renamed["user"]["name"] == "Robert"
    ad2.when(MASTER + "804#0", L.READY_BEEP)
    assert await panel.change_user(UserChange.DELETE_USER, change_id="d", slot=4) == {}
    assert events[-1].event == "user_removed" and events[-1].data == {"id": "4"}
    assert "4" not in (await panel.get_state()).users


async def test_refused_by_the_panel(panel: AlarmDecoderPanel, ad2: FakeAD2) -> None:
    ad2.when(MASTER + "805" + NEW, L.READY_ERROR)
    with pytest.raises(AlarmHubRejectedError) as err:
        await panel.change_user(
            UserChange.ADD_USER, change_id="x", slot=5, name="Eve", code=NEW
        )
    assert err.value.code == ErrorCode.CODE_REJECTED
    assert NEW not in str(err.value) and MASTER not in str(err.value)
    assert "5" not in panel.state.users


async def test_refused_before_keying(panel: AlarmDecoderPanel, ad2: FakeAD2) -> None:
    sent = ad2.received
    add, delete = UserChange.ADD_USER, UserChange.DELETE_USER
    cases = [
        ({"change": add, "slot": 2, "code": NEW}, ErrorCode.BAD_REQUEST),
        ({"change": add, "slot": 50, "code": NEW}, ErrorCode.BAD_REQUEST),
        ({"change": add, "slot": 6, "code": "12345"}, ErrorCode.CODE_REJECTED),
        ({"change": add, "slot": 6}, ErrorCode.CODE_REJECTED),
        ({"change": delete, "slot": 7}, ErrorCode.NOT_FOUND),
        ({"change": UserChange.UPDATE_USER}, ErrorCode.BAD_REQUEST),
    ]
    for i, (args, code) in enumerate(cases):
        change = args.pop("change")
        with pytest.raises(AlarmHubRejectedError) as err:
            await panel.change_user(change, change_id=f"r{i}", **args)  # type: ignore[arg-type]
        assert err.value.code == code
    await replay_lines(ad2, panel, L.ARMED_STAY)
    with pytest.raises(AlarmHubRejectedError) as err:
        await panel.change_user(UserChange.ADD_USER, change_id="armed", code=NEW)
    assert err.value.code == ErrorCode.SYSTEM_ARMED
    assert ad2.received == sent


async def test_no_free_number(make_panel: MakePanel, ad2: FakeAD2) -> None:
    panel = await make_panel(users={n: f"U{n}" for n in range(3, 50)})
    await replay_lines(ad2, panel, L.READY)
    with pytest.raises(AlarmHubRejectedError) as err:
        await panel.change_user(UserChange.ADD_USER, change_id="full", code=NEW)
    assert err.value.code == ErrorCode.QUOTA_EXCEEDED


async def test_no_confirmation_times_out(make_panel: MakePanel, ad2: FakeAD2) -> None:
    panel = await make_panel(command_timeout=0.3)
    await replay_lines(ad2, panel, L.READY)
    ad2.when(MASTER + "806" + NEW, L.READY)  # no beep: not an answer
    with pytest.raises(
        AlarmHubTimeoutError, match="did not confirm the change to user 06"
    ):
        await panel.change_user(UserChange.ADD_USER, change_id="t", slot=6, code=NEW)
    assert "6" not in panel.state.users


async def test_panel_stops_answering_mid_programming(
    panel: AlarmDecoderPanel,
    ad2: FakeAD2,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The keypad goes quiet after our keys: the line counts as lost."""
    from custom_components.alarmhub.panels.alarmdecoder import connection

    monkeypatch.setattr(connection, "WATCHDOG_POLL", 0.01)
    lost: list[bool] = []
    panel.on_connection(lost.append)
    ad2.mute = True

    async def quiet() -> None:
        await wait_for(lambda: ad2.received.endswith(NEW.encode()))
        clock.now += connection.SILENCE + 1

    import asyncio

    task = asyncio.create_task(quiet())
    with pytest.raises(AlarmHubConnectionError):
        await panel.change_user(UserChange.ADD_USER, change_id="m", slot=7, code=NEW)
    await task
    await wait_for(lambda: lost == [False])
    assert "7" not in panel.state.users


async def test_dsc_refuses_what_it_cannot_do(
    make_panel: MakePanel, ad2: FakeAD2
) -> None:
    panel = await make_panel(panel_type=PanelType.DSC)
    assert panel.info is not None and panel.info.model == "DSC (AD2)"
    assert panel.info.capabilities == {"trouble"}
    await replay_lines(ad2, panel, L.READY.replace("3A--", "3D--"))
    exit_delay = L.with_text(L.ARMED_AWAY, "Exit Delay In Progress").replace(
        "----", "-D--"
    )
    await replay_lines(ad2, panel, exit_delay)
    assert panel.state.last is not None and panel.state.last.dsc
    assert panel.state.partition.state.value == "arming"
    await replay_lines(ad2, panel, L.FAULT_02.replace("0A--", "0D--"))
    assert not panel.state.zones["2"].open  # a DSC does not cycle faults
    for call in (
        panel.arm("1", ArmMode.AWAY),
        panel.disarm("1", "1234"),
        panel.bypass("2", True),
        panel.set_chime("1", True),
        panel.change_user(UserChange.ADD_USER, change_id="d", code=NEW),
    ):
        with pytest.raises(AlarmHubRejectedError) as err:
            await call
        assert err.value.code == ErrorCode.NOT_SUPPORTED
        assert "DSC" in err.value.reason


async def test_repeats_while_running_and_forgetting_old_ids(
    panel: AlarmDecoderPanel, ad2: FakeAD2, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from custom_components.alarmhub.panels.alarmdecoder import panel as panel_module

    ad2.when(MASTER + "808" + NEW, L.READY_BEEP)
    first, second = await asyncio.gather(
        panel.change_user(UserChange.ADD_USER, change_id="same", slot=8, code=NEW),
        panel.change_user(UserChange.ADD_USER, change_id="same", slot=8, code=NEW),
    )
    assert first == second
    assert ad2.received.count((MASTER + "808").encode()) == 1
    monkeypatch.setattr(panel_module, "REMEMBERED_CHANGES", 1)
    await panel.change_user(UserChange.UPDATE_USER, change_id="n1", slot=8, name="A")
    await panel.change_user(UserChange.UPDATE_USER, change_id="n2", slot=8, name="B")
    again = await panel.change_user(
        UserChange.UPDATE_USER, change_id="n1", slot=8, name="A"
    )
    assert again["user"]["name"] == "A"  # forgotten: carried out again
