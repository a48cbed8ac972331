"""A club timetable bot (admin, teachers, clients) with support hand-off and
FAQ answers, built on slotcraft's public Python API and on the booking bot's
transport, catalogs, dialog-state storage, throttling and logging
(examples/booking_bot). See ../README.md."""

import sys
from pathlib import Path

try:
    import booking_bot  # noqa: F401
except ImportError:  # run from the repository: the booking bot is the sibling example
    sys.path.append(str(Path(__file__).resolve().parents[2] / "booking_bot"))
    import booking_bot  # noqa: F401
