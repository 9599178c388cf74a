"""Every feature the simulated hub serves beyond its panel.

Each feature module has ``install(hub)``, which reads its part of the site
(``hub.site``), adds its commands to ``hub.commands`` and its collections to
``hub.state_sources``. Add a feature here with one line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .locks import install as install_locks
from .phone_swap import install as install_phone_swap
from .recorders import install as install_recorders
from .scenes import install as install_scenes
from .users import install as install_users

if TYPE_CHECKING:
    from .hub import Hub


def install_all(hub: Hub) -> None:
    """Install every feature on a new hub."""
    install_phone_swap(hub)
    install_recorders(hub)
    install_users(hub, install_locks(hub))
    # Scenes run other features' commands (locks): keep this line last.
    install_scenes(hub)
