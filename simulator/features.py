"""Every feature the simulated hub serves beyond its panel.

Each feature module has ``install(hub)``, which reads its part of the site
(``hub.site``), adds its commands to ``hub.commands`` and its collections to
``hub.state_sources``. Add a feature here with one line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .hub import Hub


def install_all(hub: Hub) -> None:
    """Install every feature on a new hub."""
    del hub  # features are added here as they land
