"""The booking bot's handler tables, one module per area; `ROUTES` is all of
them, with botkit's /connect (everyone) and /marks and /feed (masters), which
botkit's core dispatches by (each command, button prefix and dialog state:
its handler, the roles allowed, the prompt)."""

from botkit import connect, staff
from botkit.handlers import Routes

from ..roles import ANYONE, MASTERS
from . import booking, bookings, chat, common, master, registration, waitlist
from .booking import Booking
from .bookings import Bookings
from .chat import Chat
from .common import Common
from .master import Master
from .registration import Registration
from .waitlist import Waitlist

ROUTES = Routes(common.router, registration.router, master.router, bookings.router, booking.router, waitlist.router,
                chat.router, connect.router(ANYONE), staff.router(MASTERS))

__all__ = ["ROUTES", "Booking", "Bookings", "Chat", "Common", "Master", "Registration", "Waitlist"]
