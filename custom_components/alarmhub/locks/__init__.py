"""Codes on the household's own locks (ZHA, Z-Wave JS, Matter).

:mod:`.base` is the lock-target interface, one provider per lock stack
implements it, :mod:`.manager` keeps who holds which slot on which lock and
brings the locks there. The hub's own locks stay with the panel (its change
queue); :func:`target_for` says which entities are household locks.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .base import LockTarget
from .matter import MatterLock
from .zha import ZhaLock
from .zwave_js import ZwaveJsLock

PROVIDERS: dict[str, type[LockTarget]] = {
    provider.platform: provider for provider in (ZhaLock, ZwaveJsLock, MatterLock)
}


def target_for(hass: HomeAssistant, entity_id: str) -> LockTarget | None:
    """Return the provider of a lock entity, or None when its stack has no codes."""
    entry = er.async_get(hass).async_get(entity_id)
    if entry is None or entry.domain != "lock":
        return None
    if (provider := PROVIDERS.get(entry.platform)) is None:
        return None
    return provider(hass, entity_id)
