"""send_pin checks the lock's answer: ZCL, and the answer to this request."""

from __future__ import annotations

from typing import Any, cast

import pytest

from custom_components.alarmhub.panels.exceptions import AlarmHubProtocolError
from custom_components.alarmhub.panels.hub import AlarmHubClient
from custom_components.alarmhub.panels.hub.usercodes import send_pin
from custom_components.alarmhub.panels.hub.zcl import encode_response


class Carrier:
    """Stands in for the hub carrying a frame to a lock and back."""

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.sent: list[dict[str, Any]] = []

    async def request(self, cmd: str, **args: Any) -> dict[str, Any]:
        self.sent.append({"cmd": cmd, **args})
        return {"frame": self.answer}


async def call(answer: str, code: str | None = "4826") -> Any:
    carrier = Carrier(answer)
    return await send_pin(
        cast(AlarmHubClient, carrier),
        lock="1",
        slot=2,
        code=code,
        tsn=7,
        change_id="c1",
    )


async def test_matching_answer() -> None:
    """The lock's answer to this set_pin_code is returned."""
    response = await call(encode_response(7, "set_pin_code", 0).hex())
    assert response.tsn == 7
    assert response.command == "set_pin_code"


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param("zz", id="not-hex"),
        pytest.param("0102", id="not-zcl"),
        pytest.param(encode_response(8, "set_pin_code", 0).hex(), id="other-tsn"),
        pytest.param(encode_response(7, "clear_pin_code", 0).hex(), id="other-cmd"),
    ],
)
async def test_wrong_answers(answer: str) -> None:
    """Anything but the matching ZCL response is a protocol error, no code in it."""
    with pytest.raises(AlarmHubProtocolError) as err:
        await call(answer)
    assert "4826" not in str(err.value)
