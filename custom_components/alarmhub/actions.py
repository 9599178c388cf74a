"""Register every AlarmHub action (once, in ``async_setup``).

Each feature module registers its own actions; they find the hub a call
names through ``services.coordinator_for_call``. Imports run one way:
``__init__`` -> ``actions`` -> feature modules -> ``services``
(tests/citizenship/test_imports.py checks there is no circle).

Who may call them is decided per action and documented in docs/actions.md:
what changes the hub's users and codes, shares a code, rewrites who the
account calls in an alarm (phone_swap) or writes footage / spends cloud
quota (export_clip) is admin-only; arming is open, like the panel itself.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback

from .arming import async_setup_arm_service
from .clips import async_setup_clip_services
from .phone_swap import async_setup_phone_swap_service
from .share_action import async_setup_share_service
from .user_actions import async_setup_user_services


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every AlarmHub action."""
    async_setup_arm_service(hass)
    async_setup_clip_services(hass)
    async_setup_phone_swap_service(hass)
    async_setup_user_services(hass)
    async_setup_share_service(hass)
