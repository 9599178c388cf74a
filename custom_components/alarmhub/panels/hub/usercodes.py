"""User codes on the hub and on its door locks, as client calls.

Who builds ZCL frames: the client. :func:`send_pin` encodes a Door Lock
``set_pin_code`` / ``clear_pin_code`` frame with zigpy's definitions
(``zcl.py``, ZCL user id = hub slot - 1), the hub carries it to the lock
(``lock_zcl``) and returns the lock's ZCL response frame, which is decoded
and checked here. Every code-changing call takes a ``change_id``: the hub
applies a change id once and answers a repeat with the first result, so a
caller may resend anything it is unsure about.

A user added with a schedule (:func:`add_scheduled_user`) gets it in the
same ``add_user`` request when the hub claims the ``schedules`` capability:
the code is never valid outside its schedule. A hub from before that would
ignore the field and make an unrestricted user, so it gets the two requests
of old (``add_user``, then ``set_schedule``); if the hub refuses the second,
the user is deleted again rather than left without their schedule.

No function here logs, and no error message holds a code or a frame.
"""

from __future__ import annotations

from collections.abc import Mapping
import contextlib
from typing import Any, Final

from ..exceptions import AlarmHubError, AlarmHubProtocolError, AlarmHubRejectedError
from .client import AlarmHubClient
from .zcl import (
    ZclError,
    ZclResponse,
    decode_response,
    encode_clear_pin_code,
    encode_set_pin_code,
    zcl_user_id,
)

#: The ``hello`` capability of a hub that takes ``schedule`` in ``add_user``.
SCHEDULES_FEATURE: Final = "schedules"


async def add_scheduled_user(
    client: AlarmHubClient,
    *,
    change_id: str,
    name: str | None,
    code: str | None,
    schedule: Mapping[str, Any],
) -> dict[str, Any]:
    """Add a user whose code is valid only inside ``schedule``."""
    args: dict[str, Any] = {"change_id": change_id, "name": name, "code": code}
    if client.info is not None and SCHEDULES_FEATURE in client.info.capabilities:
        return await client.request("add_user", **args, schedule=dict(schedule))
    # An older hub: two requests, each replayable by its own change id.
    result = await client.request("add_user", **args)
    slot = (result.get("user") or {}).get("slot")
    if not isinstance(slot, int):
        raise AlarmHubProtocolError("add_user answered without a slot")
    try:
        scheduled = await client.set_schedule(
            slot, schedule, change_id=f"{change_id}-schedule"
        )
    except AlarmHubRejectedError:
        with contextlib.suppress(AlarmHubError):
            await client.request(
                "delete_user", change_id=f"{change_id}-undo", slot=slot
            )
        raise
    return result | {"user": scheduled.get("user", result.get("user"))}


async def send_pin(
    client: AlarmHubClient,
    *,
    lock: str,
    slot: int,
    code: str | None,
    tsn: int,
    change_id: str,
) -> ZclResponse:
    """Put ``code`` on ``lock`` for the user in ``slot`` (None: clear it).

    Returns the lock's answer; raises ``AlarmHubRejectedError`` when the hub
    refuses (``timeout`` when the lock does not answer) and
    ``AlarmHubProtocolError`` for an answer that is not the matching ZCL
    response.
    """
    user_id = zcl_user_id(slot)
    frame = (
        encode_clear_pin_code(tsn, user_id)
        if code is None
        else encode_set_pin_code(tsn, user_id, code)
    )
    result = await client.request(
        "lock_zcl", lock=lock, frame=frame.hex(), change_id=change_id
    )
    try:
        response = decode_response(bytes.fromhex(str(result.get("frame"))))
    except (ValueError, ZclError) as err:
        raise AlarmHubProtocolError(f"the lock's answer is not ZCL: {err}") from None
    expected = "clear_pin_code" if code is None else "set_pin_code"
    if response.tsn != tsn or response.command != expected:
        raise AlarmHubProtocolError("the lock answered another request")
    return response
