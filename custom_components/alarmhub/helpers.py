"""Map hub errors to translated Home Assistant errors.

A refusal caused by what the user asked (an open door, a wrong code, an armed
system) becomes a ``ServiceValidationError``; the hub failing or being away
becomes a ``HomeAssistantError``. Every message is translated, and none
carries a code or token: placeholders come from the hub's structured details
(zone and partition names), never from the request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import Any

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .const import DOMAIN
from .panels.exceptions import ErrorCode
from .panels.hub import (
    AlarmHubAuthError,
    AlarmHubConnectionError,
    AlarmHubError,
    AlarmHubRejectedError,
    HubInfo,
)

#: Hub error codes that mean "the user asked for something that cannot be".
USER_ERRORS = frozenset(
    {
        ErrorCode.ZONES_OPEN,
        ErrorCode.INVALID_CODE,
        ErrorCode.LOCKED_OUT,
        ErrorCode.SYSTEM_ARMED,
        ErrorCode.NOT_SUPPORTED,
        ErrorCode.BYPASS_BY_DISARM,
        ErrorCode.NOT_FOUND,
        ErrorCode.CODE_REJECTED,
        ErrorCode.QUOTA_EXCEEDED,
        ErrorCode.NO_RECORDINGS,
        ErrorCode.INVALID_PHONE,
        ErrorCode.BAD_REQUEST,
    }
)


#: Longest text taken from a hub's refusal into a message (the hub is not
#: trusted to keep its details short).
MAX_PLACEHOLDER = 200


def _names(items: object) -> str:
    if not isinstance(items, list):
        return ""
    names = [
        str(i.get("name", "?")) if isinstance(i, dict) else i
        for i in items
        if isinstance(i, dict | str)
    ]
    return ", ".join(names)


def rejection_placeholders(err: AlarmHubRejectedError) -> dict[str, str]:
    """Return the translation placeholders for a hub's refusal."""
    details: Mapping[str, Any] = err.details
    options = details.get("options")
    placeholders = {
        "zones": _names(details.get("zones")),
        "partition": str(details.get("partition", "")),
        "retry_after": str(details.get("retry_after", "")),
        "options": ", ".join(map(str, options)) if isinstance(options, list) else "",
        "reason": err.reason,
    }
    return {
        key: value if len(value) <= MAX_PLACEHOLDER else value[:MAX_PLACEHOLDER] + "…"
        for key, value in placeholders.items()
    }


def translate_error(err: AlarmHubError) -> HomeAssistantError:
    """Return the translated HA error for a hub error."""
    if isinstance(err, AlarmHubRejectedError):
        placeholders = rejection_placeholders(err)
        if err.code in (
            ErrorCode.INVALID_CODE,
            ErrorCode.CODE_PENDING,
            ErrorCode.CODE_OUTSIDE_SCHEDULE,
        ):
            # Every wrong code gets the very same error, whatever the hub's
            # reason says, with only the attempts left before the lockout; a
            # code still being activated says so (and counts the same).
            return wrong_code(err.details.get("attempts_left"), err.code)
        if err.code in USER_ERRORS:
            return ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key=err.code,
                translation_placeholders=placeholders,
            )
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="hub_rejected",
            translation_placeholders=placeholders,
        )
    if isinstance(err, AlarmHubAuthError):
        return HomeAssistantError(
            translation_domain=DOMAIN, translation_key="authentication_error"
        )
    if isinstance(err, AlarmHubConnectionError):
        return HomeAssistantError(
            translation_domain=DOMAIN, translation_key="communication_error"
        )
    return HomeAssistantError(
        translation_domain=DOMAIN, translation_key="unknown_error"
    )


def wrong_code(
    attempts_left: object = None, code: str = ErrorCode.INVALID_CODE
) -> ServiceValidationError:
    """Return the error for a wrong code: one error, whatever the code.

    With the hub's count of the attempts left before the keypad locks, the
    error says it; a code that cannot exist never reaches the hub, so its
    error has no count.
    """
    if type(attempts_left) is not int or attempts_left < 0:
        return ServiceValidationError(
            translation_domain=DOMAIN, translation_key=ErrorCode.INVALID_CODE
        )
    left = {"attempts_left": str(attempts_left)}
    if code == ErrorCode.CODE_PENDING:
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="code_pending",
            translation_placeholders=left,
        )
    if code == ErrorCode.CODE_OUTSIDE_SCHEDULE:
        return ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="code_outside_schedule",
            translation_placeholders=left,
        )
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="invalid_code_attempts",
        translation_placeholders=left,
    )


def checked_code(info: HubInfo, code: str) -> str:
    """Return ``code`` if it could be a user code, else the wrong-code error.

    A code that cannot exist (not ASCII digits, or a length the hub does not
    use) is refused here, before it travels: the caller gets exactly what a
    wrong code gets, and it does not count towards the hub's lockout.
    """
    if not (
        code.isascii()
        and code.isdigit()
        and info.min_code_length <= len(code) <= info.max_code_length
    ):
        raise wrong_code()
    return code


async def call_hub[T](awaitable: Awaitable[T]) -> T:
    """Await a hub call, turning its errors into translated HA errors."""
    try:
        return await awaitable
    except AlarmHubError as err:
        raise translate_error(err) from err
