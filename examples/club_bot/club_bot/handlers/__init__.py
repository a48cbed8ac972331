"""The club bot's handler tables, one module per area; `ROUTES` is all of
them, with botkit's /connect (clients) and /marks and /feed (teachers), which
botkit's core dispatches by (each command, button prefix and dialog state:
its handler, the roles allowed, the prompt)."""

from botkit import connect, staff
from botkit.handlers import Routes

from ..roles import CLIENT, TEACHER
from . import admin, booking, common, poll, support, timetable, waitlist
from .admin import Admin
from .booking import Booking
from .common import Common
from .poll import Poll
from .support import Support
from .teacher_tools import TeacherTools
from .timetable import Timetable
from .waitlist import Waitlist

ROUTES = Routes(common.router, admin.router, poll.router, timetable.router, booking.router, waitlist.router,
                support.router, connect.router((CLIENT,)), staff.router((TEACHER,)))

__all__ = ["ROUTES", "Admin", "Booking", "Common", "Poll", "Support", "TeacherTools", "Timetable", "Waitlist"]
