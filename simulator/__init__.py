"""The AlarmHub reference hub: a real server that follows the panel's rules.

Run it with ``python -m simulator --http 127.0.0.1:8900 --site FILE``.
"""
