"""The booking bot's handler tables, one module per area; `ROUTES` is all of
them, which botkit's core dispatches by (each command, button prefix and
dialog state: its handler, the roles allowed, the prompt)."""

from botkit import connect
from botkit.handlers import Routes

from . import booking, bookings, chat, common, master, registration
from .booking import Booking
from .bookings import Bookings
from .chat import Chat
from .common import Common
from .master import Master
from .registration import Registration

from ..roles import ANYONE

ROUTES = Routes(common.router, registration.router, master.router, bookings.router, booking.router, chat.router,
                connect.router(ANYONE))

__all__ = ["ROUTES", "Booking", "Bookings", "Chat", "Common", "Master", "Registration"]
