"""slotcraft's HTTP API: a FastAPI router over a `slotcraft.Scheduler`, and the
server `python3 -m slotcraft.server --db FILE` runs (docs/http.md)."""

from .app import app_from_environment, create_app, router
from .auth import Authenticator, Principal, Role
from .errors import ApiError
from .keys import ApiKey, ApiKeys
from .limits import Limits
from .webhooks import Dispatcher, Webhooks

__all__ = [
    "router",
    "create_app",
    "app_from_environment",
    "Authenticator",
    "Principal",
    "Role",
    "ApiError",
    "ApiKey",
    "ApiKeys",
    "Limits",
    "Webhooks",
    "Dispatcher",
]
