"""User codes on the hub and on its door locks, as client calls.

Who builds ZCL frames: the client. :func:`send_pin` encodes a Door Lock
``set_pin_code`` / ``clear_pin_code`` frame with zigpy's definitions
(``zcl.py``, ZCL user id = hub slot - 1), the hub carries it to the lock
(``lock_zcl``) and returns the lock's ZCL response frame, which is decoded
and checked here. Every code-changing call takes a ``change_id``: the hub
applies a change id once and answers a repeat with the first result, so a
caller may resend anything it is unsure about.

No function here logs, and no error message holds a code or a frame.
"""

from __future__ import annotations

from ..exceptions import AlarmHubProtocolError
from .client import AlarmHubClient
from .zcl import (
    ZclError,
    ZclResponse,
    decode_response,
    encode_clear_pin_code,
    encode_set_pin_code,
    zcl_user_id,
)


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
