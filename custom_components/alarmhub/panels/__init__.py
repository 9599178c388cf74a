"""Panel families, free of Home Assistant: the seam the integration talks to.

``base`` declares the panel interface and its capabilities, ``models`` and
``exceptions`` what every family shares; ``hub`` is the AlarmHub protocol.
A family package imports from those shared modules and never from another
family.
"""
