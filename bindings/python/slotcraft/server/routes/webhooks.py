"""Webhook subscriptions and their delivery log (admins only). The deliveries
themselves are sent by `python3 -m slotcraft.server webhooks deliver`
(webhooks.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, StrictStr

from ..auth import ADMIN, Principal, Rules
from ..context import Context
from ..idempotency import IdempotentAnswers, answered_once
from ..paging import cursor_query, decode_cursor, encode_cursor, limit_query
from ..routing import ApiRoute
from ..webhooks import DELIVERY_STATUSES, EVENTS, Webhooks
from .bookings import idempotency_key

ROLES: Rules = {
    "create_webhook": ADMIN,
    "list_webhooks": ADMIN,
    "get_webhook": ADMIN,
    "disable_webhook": ADMIN,
    "list_webhook_deliveries": ADMIN,
    "get_webhook_delivery": ADMIN,
    "redeliver_webhook": ADMIN,
}

WEBHOOK_ID = Path(description="the webhook's id, as its creation answered it", example="wh_3f2a9c1d5e7b8a60")
DELIVERY_ID = Path(description="a delivery's id, as the delivery log lists it", example="whd_0c4e1f2a3b5d6e7f")


class NewWebhook(BaseModel):
    url: StrictStr
    events: list[StrictStr]
    description: StrictStr = ""

    class Config:
        extra = "forbid"
        schema_extra = {
            "description": f"An address to POST events to, and which events: {', '.join(EVENTS)}.",
            "example": {"url": "https://bot.example.org/hooks/slotcraft",
                        "events": ["booking.created", "booking.cancelled"], "description": "the salon's bot"},
        }


def routes(ctx: Context) -> APIRouter:
    api = APIRouter(route_class=ApiRoute, tags=["webhooks"])

    answers = ctx.tables(IdempotentAnswers)

    def hooks() -> Webhooks:
        return ctx.tables(Webhooks)

    @api.post("/webhooks", name="create_webhook", status_code=201)
    def create_webhook(webhook: NewWebhook, response: Response, key: str = idempotency_key(),
                       who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        """Subscribes an address to events from now on. The answer holds the
        subscription's signing `secret`, which receivers check the
        `Slotcraft-Signature` header with (docs/http.md); keep it. The same
        `Idempotency-Key` and body answer the first subscription again, its
        secret included."""
        def make() -> dict[str, Any]:
            subscription, secret = hooks().create(webhook.url, webhook.events, description=webhook.description)
            return {"webhook": subscription.view(), "secret": secret}
        answer: dict[str, Any] = answered_once(answers, response, who, key, ["create_webhook", webhook.dict()], make)
        return answer

    @api.get("/webhooks", name="list_webhooks")
    def list_webhooks() -> dict[str, Any]:
        """Every subscription, disabled ones too, oldest first."""
        return {"webhooks": [s.view() for s in hooks().all()]}

    @api.get("/webhooks/{id}", name="get_webhook")
    def get_webhook(id: str = WEBHOOK_ID) -> dict[str, Any]:
        """One subscription (never its secret)."""
        return hooks().get(id).view()

    @api.delete("/webhooks/{id}", name="disable_webhook")
    def disable_webhook(id: str = WEBHOOK_ID) -> dict[str, Any]:
        """Stops a subscription at once: nothing more is sent to it, pending
        deliveries included; its delivery log stays readable."""
        return hooks().disable(id).view()

    @api.get("/webhooks/{id}/deliveries", name="list_webhook_deliveries")
    def list_webhook_deliveries(
        id: str = WEBHOOK_ID,
        status: str = Query(default="", description=f"only deliveries in this state: {', '.join(DELIVERY_STATUSES)}",
                            example="failed"),
        limit: int = limit_query(),
        cursor: str = cursor_query(),
    ) -> dict[str, Any]:
        """The subscription's deliveries, newest first: the event sent, its
        state, how many attempts, and when the next one is due."""
        after = decode_cursor(cursor, parts=1)[0] if cursor else ""
        found = hooks().deliveries(id, status=status, after=after, limit=limit + 1)
        chosen = found[:limit]
        more = len(found) > limit
        return {"deliveries": [d.view() for d in chosen], "next": encode_cursor([chosen[-1].id]) if more else None}

    @api.get("/webhooks/{id}/deliveries/{delivery}", name="get_webhook_delivery")
    def get_webhook_delivery(id: str = WEBHOOK_ID, delivery: str = DELIVERY_ID) -> dict[str, Any]:
        """One delivery with every attempt: when, the receiver's status code
        (null when it did not answer) and what went wrong."""
        found, attempts = hooks().delivery(id, delivery)
        return found.view(attempts)

    @api.post("/webhooks/{id}/deliveries/{delivery}/redeliver", name="redeliver_webhook")
    def redeliver_webhook(id: str = WEBHOOK_ID, delivery: str = DELIVERY_ID) -> dict[str, Any]:
        """Sends a delivery again at the worker's next pass, whatever its state:
        for a receiver that lost it, or one fixed after every retry failed."""
        return hooks().redeliver(id, delivery).view()

    return api
