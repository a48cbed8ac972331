"""The club bot's handler tables, one module per area; `ROUTES` is all of
them, which botkit's core dispatches by (each command, button prefix and
dialog state: its handler, the roles allowed, the prompt)."""

from botkit import connect
from botkit.handlers import Routes

from . import admin, booking, common, poll, staff, support, timetable
from .admin import Admin
from .booking import Booking
from .common import Common
from .poll import Poll
from .staff import Staff
from .support import Support
from .timetable import Timetable

from ..roles import CLIENT

ROUTES = Routes(common.router, admin.router, poll.router, timetable.router, booking.router, staff.router, support.router,
                connect.router((CLIENT,)))

__all__ = ["ROUTES", "Admin", "Booking", "Common", "Poll", "Staff", "Support", "Timetable"]
