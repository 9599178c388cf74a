"""User codes by keypad programming on a Vista.

master code + 8 + user number (two digits) + new code adds or changes a
user's code; + ``#0`` instead of a code deletes it. The panel answers with a
single beep when it took the code and its error tone when it did not (a
duplicate code, a user number it does not allow). The bus cannot read users
back: the panel is told its known users, and reports each change as a
``user`` or ``user_removed`` event for the integration to keep.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..base import UserChange
from ..exceptions import AlarmHubRejectedError, ErrorCode
from ..models import CodeStatus, User, to_dict
from . import keypad
from .messages import KeypadMessage
from .state import PanelState

if TYPE_CHECKING:
    from .panel import AlarmDecoderPanel


def pick_slot(change: UserChange, slot: int | None, state: PanelState) -> int:
    """Return the user number a change is for (the lowest free one to add)."""
    if change is UserChange.ADD_USER and slot is None:
        free = [
            n
            for n in range(keypad.FIRST_USER, keypad.LAST_USER + 1)
            if str(n) not in state.users
        ]
        if not free:
            raise AlarmHubRejectedError(ErrorCode.QUOTA_EXCEEDED, "no free user number")
        slot = free[0]
    if slot is None or not keypad.FIRST_USER <= slot <= keypad.LAST_USER:
        raise AlarmHubRejectedError(
            ErrorCode.BAD_REQUEST,
            f"user numbers go from {keypad.FIRST_USER:02d} to {keypad.LAST_USER}",
        )
    if change is not UserChange.ADD_USER and str(slot) not in state.users:
        raise AlarmHubRejectedError(ErrorCode.NOT_FOUND, "no such user")
    return slot


def _confirmed(msg: KeypadMessage) -> bool | None:
    if msg.beeps == keypad.ACK_BEEPS:
        return True
    return False if keypad.refused(msg) else None


async def program(
    panel: AlarmDecoderPanel,
    change: UserChange,
    slot: int,
    name: str | None,
    code: str | None,
) -> dict[str, Any]:
    """Key in one change and report the user; raise when refused."""
    state = panel.state
    if change is UserChange.DELETE_USER:
        new_keys = "#0"
    elif code is None and change is UserChange.UPDATE_USER:
        new_keys = ""  # a rename only: nothing to key in
    elif code is not None and code.isascii() and code.isdigit() and len(code) == 4:
        new_keys = code
    else:
        raise AlarmHubRejectedError(
            ErrorCode.CODE_REJECTED, "a Vista code has 4 digits"
        )
    if new_keys:
        keys = panel.master_keys(f"{keypad.PROGRAM_USER_KEY}{slot:02d}{new_keys}")
        what = f"the change to user {slot:02d}"
        if not await panel.command(keys, _confirmed, what):
            raise AlarmHubRejectedError(
                ErrorCode.CODE_REJECTED,
                f"the panel refused the code for user {slot:02d}",
                {"slot": slot},
            )
    if change is UserChange.DELETE_USER:
        state.remove_user(slot)
        return {}
    old = state.users.get(str(slot))
    label = name or (old.name if old else f"User {slot:02d}")
    user = User(slot=slot, name=label, status=CodeStatus.ACTIVE, uid=str(slot))
    state.put_user(user)
    return {"user": to_dict(user)}
