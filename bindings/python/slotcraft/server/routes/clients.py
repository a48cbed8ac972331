"""Clients and their messenger identities. Admins and staff list and read
them; a client reads and changes only their own record; a bot finds (or makes)
the client behind a messenger account with `POST /v1/clients/by-identity`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Path, Query, Response
from pydantic import BaseModel, StrictStr

import slotcraft as sc

from ..auth import EVERYONE, STAFF, Principal, Role, Rules
from ..context import Context
from ..errors import ApiError, body_fields
from ..paging import cursor_query, limit_query, paged
from ..params import new_record_id
from ..routing import ApiRoute
from ..schemas import CLIENT, request_body

ROLES: Rules = {
    "list_clients": STAFF,
    "get_client": EVERYONE,
    "put_client": frozenset[Role]({"admin", "client"}),  # staff read clients, and change none
    "client_by_identity": frozenset[Role]({"admin"}),
}


class IdentityLookup(BaseModel):
    network: StrictStr
    external_id: StrictStr
    name: StrictStr = ""

    class Config:
        extra = "forbid"
        schema_extra = {"example": {"network": "telegram", "external_id": "42", "name": "Анна"}}


CLIENT_ID = Path(description="the client's id; a client may name only their own", example="c1")


def _accounts(client: sc.Client) -> set[tuple[str, str]]:
    return {(i.network.name, i.external_id) for i in client.identities}


def _found(client: sc.Client | None, id: str) -> sc.Client:
    if client is None:
        raise ApiError(404, f'no client "{id}"', field="id")
    return client


def routes(ctx: Context) -> APIRouter:
    api = APIRouter(route_class=ApiRoute, tags=["clients"])
    scheduler = ctx.scheduler

    @api.get("/clients", name="list_clients")
    def list_clients(
        name: str = Query("", description="only the clients whose name contains this, in any case; "
                          "none: every client", example="Анна"),
        network: str = Query("", description="with `external_id`: the client with this messenger account; "
                             "telegram, whatsapp, vk or other", example="telegram"),
        external_id: str = Query("", description="with `network`: the account's id in that messenger",
                                 example="42"),
        limit: int = limit_query(),
        cursor: str = cursor_query(),
    ) -> dict[str, Any]:
        """Clients by id; `name`: whose name contains it (any case); `network` and
        `external_id`: the one with that messenger account."""
        found = scheduler.clients()
        if name:
            found = [c for c in found if name.casefold() in c.name.casefold()]
        if network or external_id:
            if not (network and external_id):
                raise ApiError(400, "give network and external_id together", field="external_id" if network else "network")
            with body_fields("identity"):
                wanted = sc.Identity(network, external_id)
            found = [c for c in found if wanted in c.identities]
        return paged("clients", found, lambda c: [c.id], sc.Client.to_dict, cursor=cursor, limit=limit)

    @api.get("/clients/{id}", name="get_client")
    def get_client(id: str = CLIENT_ID, who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        """One client with their messenger identities; a client reads only their own."""
        return _found(scheduler.client(who.own_client(id, field="id")), id).to_dict()

    @api.put("/clients/{id}", name="put_client", status_code=201, openapi_extra=request_body(CLIENT, "client"))
    def put_client(
        id: str = CLIENT_ID,
        *,
        response: Response,
        body: dict[str, Any] = Body(...),
        who: Principal = Depends(ctx.caller),
    ) -> dict[str, Any]:
        """Creates or replaces a client: name and messenger identities (an identity
        another client has is a 409 naming it). A client changes only their own."""
        new_record_id(id)
        who.own_client(id, field="id")
        if who.role == "client" and scheduler.client(id) is None:
            raise ApiError(404, f'no client "{id}"', field="id")
        if body.get("id", id) != id:
            raise ApiError(400, f'the body names client "{body["id"]}", the path "{id}"', field="id")
        existing = scheduler.client(id)
        with body_fields("client"):
            client = sc.Client.from_dict({**body, "id": id})
            if who.role == "client" and existing is not None:
                # A client renames themselves; which messenger accounts are theirs is not theirs to say (an account
                # claimed here would be this client to whoever uses it later): a bot's /connect or an admin adds them.
                if "identities" not in body:
                    client.identities = existing.identities
                elif _accounts(client) != _accounts(existing):
                    raise ApiError(403, "a client changes their name, not their messenger accounts", field="identities")
            scheduler.put_client(client, actor=who.actor)
        existed = existing is not None
        response.status_code = 200 if existed else 201
        return get_client(id, who)

    @api.post("/clients/by-identity", name="client_by_identity")
    def client_by_identity(lookup: IdentityLookup, who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        """The client with this messenger account, made with `name` if there is none
        (asking again finds the same client: it is safe to retry)."""
        with body_fields("identity"):
            identity = sc.Identity(lookup.network, lookup.external_id)
            return scheduler.client_for(identity, lookup.name, actor=who.actor).to_dict()

    return api
