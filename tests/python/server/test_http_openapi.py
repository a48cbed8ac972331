"""The OpenAPI document: every route described with a summary, every parameter
described, every error documented in the one shape; every example (of a
request body or a parameter) valid against its schema (python3-jsonschema) and
accepted by its route; the record schemas name exactly the fields slotcraft reads."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi.routing import APIRoute

import slotcraft as sc
from slotcraft.server import params, schemas
from slotcraft.server.telegram import BOT_TOKEN_VARIABLE

from .conftest import Api

METHODS = ("get", "put", "post", "delete", "patch")

ERROR_SCHEMA = "#/components/schemas/ErrorBody"

Document = dict[str, Any]


def operations_of(document: Document) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, item in document["paths"].items() for method, op in item.items()
            if method in METHODS]


def operations(api: Api) -> list[tuple[str, str, dict[str, Any]]]:
    return operations_of(api.anonymous.get("/v1/openapi.json").json())


def parameters_of(document: Document) -> list[tuple[str, dict[str, Any]]]:
    """Every parameter of every operation, with where it is: `GET /v1/slots query from`."""
    return [(f"{method.upper()} {path} {param['in']} {param['name']}", param)
            for method, path, op in operations_of(document) for param in op.get("parameters", [])]


def undescribed_operations(document: Document) -> list[str]:
    return [f"{method.upper()} {path}" for method, path, op in operations_of(document)
            if not (op.get("summary") or "").strip() or not (op.get("description") or "").strip()]


def undescribed_parameters(document: Document) -> list[str]:
    return [where for where, param in parameters_of(document) if not (param.get("description") or "").strip()]


def undocumented_errors(document: Document) -> list[str]:
    """The operations with no 4xx answer documented, or one not in the error shape."""
    problems = []
    for method, path, op in operations_of(document):
        errors = {code: answer for code, answer in op.get("responses", {}).items() if str(code).startswith("4")}
        schemas_of = {code: answer.get("content", {}).get("application/json", {}).get("schema", {})
                      for code, answer in errors.items()}
        if not errors or any(schema.get("$ref") != ERROR_SCHEMA for schema in schemas_of.values()):
            problems.append(f"{method.upper()} {path}: {sorted(errors)}")
    return problems


def parameter_examples(param: dict[str, Any]) -> list[Any]:
    """A parameter's examples: its `example`, its `examples`, its schema's `example`."""
    found = [param["example"]] if "example" in param else []
    found += [example["value"] for example in param.get("examples", {}).values() if "value" in example]
    return found + ([param["schema"]["example"]] if "example" in param.get("schema", {}) else [])


def invalid_parameter_examples(document: Document) -> list[str]:
    """The examples that break their parameter's schema, the instants slotcraft
    would not read, and the path parameters without an example."""
    problems = []
    for where, param in parameters_of(document):
        examples = parameter_examples(param)
        if param["in"] == "path" and not examples:
            problems.append(f"{where}: no example")
        for example in examples:
            try:
                jsonschema.validate(example, {**param["schema"], "components": document["components"]})
                if param["schema"].get("format") == "date-time":
                    sc.parse_instant(example)
            except (jsonschema.ValidationError, sc.Error) as error:
                problems.append(f"{where}: {example!r}: {error}")
    return problems


def body_example(document: dict[str, Any], op: dict[str, Any]) -> tuple[dict[str, Any], Any] | None:
    """The schema of an operation's JSON body (refs resolved) and its example."""
    if "application/json" not in op.get("requestBody", {}).get("content", {}):
        return None  # no body, or a file (an .ics import): its example is checked by its own tests
    content = op["requestBody"]["content"]["application/json"]
    schema = content["schema"]
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    example = content.get("example", schema.get("example"))
    return {**schema, "components": document["components"]}, example


def test_every_route_is_in_the_document_with_a_summary_and_a_description(memory_api: Api) -> None:
    routes = [r for r in memory_api.app.routes if isinstance(r, APIRoute) and r.include_in_schema]
    assert len(routes) > 40
    document = memory_api.anonymous.get("/v1/openapi.json").json()
    documented = {(m, p) for m, p, _ in operations_of(document)}
    for route in routes:
        for method in route.methods:
            assert (method.lower(), route.path) in documented, route.path
    assert undescribed_operations(document) == []


def test_every_parameter_is_described(memory_api: Api) -> None:
    """Query, path and header parameters alike: what it is, its format, what leaving it out means."""
    document = memory_api.anonymous.get("/v1/openapi.json").json()
    assert len(parameters_of(document)) > 100
    assert undescribed_parameters(document) == []


def test_every_operation_documents_its_errors_in_the_one_shape(memory_api: Api) -> None:
    document = memory_api.anonymous.get("/v1/openapi.json").json()
    assert undocumented_errors(document) == []
    shape = document["components"]["schemas"]["ErrorBody"]
    assert shape["required"] == ["error"]


def test_every_parameter_example_validates_against_its_schema(memory_api: Api) -> None:
    document = memory_api.anonymous.get("/v1/openapi.json").json()
    assert sum(len(parameter_examples(param)) for _, param in parameters_of(document)) > 60
    assert invalid_parameter_examples(document) == []


def test_the_checks_of_the_document_find_what_is_missing(memory_api: Api) -> None:
    """Each check above reports an operation or a parameter stripped of what it needs."""
    document = memory_api.anonymous.get("/v1/openapi.json").json()
    checks = (undescribed_operations, undescribed_parameters, undocumented_errors, invalid_parameter_examples)
    before = [set(check(document)) for check in checks]
    slots = document["paths"]["/v1/slots"]["get"]
    seats = next(param for param in slots["parameters"] if param["name"] == "seats")
    del slots["summary"]
    del seats["description"]
    seats["example"] = "three"
    del document["paths"]["/v1/bookings/{id}"]["get"]["parameters"][0]["example"]
    document["paths"]["/v1/slots/explain"]["get"]["responses"].pop("4XX")
    found = [sorted(problem.split(":")[0] for problem in set(check(document)) - old)
             for check, old in zip(checks, before)]
    assert found == [["GET /v1/slots"], ["GET /v1/slots query seats"], ["GET /v1/slots/explain"],
                     ["GET /v1/bookings/{id} path id", "GET /v1/slots query seats"]]


def test_every_request_body_has_an_example_that_validates_against_its_schema(memory_api: Api) -> None:
    document = memory_api.anonymous.get("/v1/openapi.json").json()
    checked = 0
    for method, path, op in operations(memory_api):
        found = body_example(document, op)
        if found is None:
            continue
        schema, example = found
        assert example is not None, f"{method} {path} has no example"
        jsonschema.validate(example, schema)  # the document's components ride along, so its $refs resolve
        checked += 1
    assert checked >= 12


@pytest.mark.parametrize(
    ("schema", "record"),
    [
        (schemas.LOCATION, sc.Location("x", name="n")),
        (schemas.RESOURCE, sc.ResourceRecord("x", "UTC", schedules=[
            sc.LocationSchedule("salon"),
            sc.LocationSchedule("online", rotation=sc.Rotation(date(2031, 3, 3), [{"mon": [("09:00", "10:00")]}, {}]))])),
        (schemas.SERVICE, sc.ServiceRecord(sc.Service("x", timedelta(minutes=5)))),
        (schemas.CLIENT, sc.Client("x", identities=[sc.Identity("vk", "1")])),
        (schemas.SETTINGS, sc.Settings(default_step=timedelta(minutes=5))),
    ],
)
def test_a_record_schema_names_the_fields_slotcraft_writes_and_validates_what_it_writes(
    schema: dict[str, Any], record: Any
) -> None:
    written = record.to_dict()
    assert set(schema["properties"]) - {"step"} == set(written) - {"step"}
    jsonschema.validate(written, schema)
    for list_field, item_schema in (("schedules", schemas.SCHEDULE), ("identities", schemas.IDENTITY)):
        for item in written.get(list_field, []):
            # A schedule writes `weekly` or its `rotation` (SPEC §9), the one in use.
            assert set(item_schema["properties"]) - {"weekly", "rotation"} == set(item) - {"weekly", "rotation"}
            assert list_field != "schedules" or len({"weekly", "rotation"} & set(item)) == 1


def test_a_record_schema_refuses_what_slotcraft_refuses_an_unknown_field(memory_api: Api) -> None:
    both = {"location": "salon", "weekly": {}, "rotation": {"anchor": "2031-03-03", "weeks": [{}]}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(both, schemas.SCHEDULE)
    assert memory_api.admin.put("/v1/resources/x", {"schedules": [both]}).json()["error"]["field"] == "schedules[0].rotation"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**schemas.EXAMPLES["resource"], "time_zone": "UTC"}, schemas.RESOURCE)
    assert memory_api.admin.put("/v1/resources/x", {**schemas.EXAMPLES["resource"], "time_zone": "UTC"}).status_code == 400


# Path parameters filled so every example is sent to its route on the salon.
def _fill(path: str, booking: str) -> str:
    names = {"id": booking, "service": "yoga"}
    if path.startswith(("/v1/locations/", "/v1/resources/", "/v1/services/", "/v1/clients/")):
        kind = path.split("/")[2]
        names["id"] = {"locations": "annex", "resources": "carl", "services": "nails", "clients": "c9"}[kind]
    return re.sub(r"\{(\w+)\}", lambda m: names[m.group(1)], path)


def test_every_example_is_accepted_by_its_route(memory_api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sent as an admin on the salon, no example is a 400: each says what the route takes."""
    # A server with a bot token checks the example initData (unsigned for it: a 401); without one it is a 503.
    monkeypatch.setenv(BOT_TOKEN_VARIABLE, "123456:example-bot-token")
    document = memory_api.anonymous.get("/v1/openapi.json").json()
    memory_api.clock.now = memory_api.clock.now.replace(month=2, day=1)
    booking = memory_api.admin.post("/v1/bookings", {"resource": "anna", "service": "cut",
                                                     "start": "2027-03-03T08:00:00Z"}).json()["id"]
    sent = 0
    for method, path, op in operations(memory_api):
        found = body_example(document, op)
        if found is None or "/holds/confirm" in path:
            continue
        _, example = found
        answer = memory_api.admin.http.request(method.upper(), _fill(path, booking), json=example,
                                               headers={"Authorization": f"Bearer {memory_api.texts['admin']}"})
        assert answer.status_code != 400, (method, path, answer.text)
        assert answer.status_code < 500, (method, path, answer.text)
        sent += 1
    assert sent >= 12


def test_every_parameter_example_is_accepted_by_its_route(memory_api: Api) -> None:
    """Each GET sent as an admin on the salon with every parameter at its example
    is no 400 (a 404 for an id the salon lacks is fine): the examples are values the route takes."""
    memory_api.clock.now = memory_api.clock.now.replace(month=2, day=1)
    booking = memory_api.admin.post("/v1/bookings", {"resource": "anna", "service": "cut",
                                                     "start": "2027-03-03T08:00:00Z"}).json()["id"]
    sent = 0
    for method, path, op in operations(memory_api):
        if method != "get":
            continue
        given = {(param["in"], param["name"]): parameter_examples(param)[0]
                 for param in op.get("parameters", []) if parameter_examples(param)}
        given = {where: booking if value == params.EXAMPLE_BOOKING else value for where, value in given.items()}
        url = re.sub(r"\{(\w+)\}", lambda m: str(given[("path", m.group(1))]), path)
        query = {name: value for (where, name), value in given.items() if where == "query"}
        headers = {name: value for (where, name), value in given.items() if where == "header"}
        answer = memory_api.admin.get(url, headers=headers, **query)
        assert answer.status_code != 400, (path, query, answer.text)
        assert answer.status_code < 500, (path, answer.text)
        sent += bool(query)
    assert sent >= 15


def test_the_reference_page_loads_every_file_from_the_server_itself(memory_api: Api) -> None:
    page = memory_api.anonymous.get("/v1/reference")
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    linked = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert len(linked) == 3
    for url in linked:
        assert not re.match(r"^(\w+:)?//", url), url  # nothing from another host
        asset = memory_api.anonymous.get(f"/v1/{url}")
        assert asset.status_code == 200, url
        assert len(asset.content) > (50 if url.endswith("start.js") else 10_000)
    assert "openapi.json" in memory_api.anonymous.get("/v1/reference/start.js").text
    assert memory_api.anonymous.get("/v1/reference/../keys.py").status_code == 404
    assert memory_api.anonymous.get("/v1/reference/package.json").status_code == 404


def test_without_its_built_files_the_reference_page_says_so(memory_api: Api, monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    monkeypatch.setenv("SLOTCRAFT_WEB_ASSETS", str(tmp_path))
    refused = memory_api.anonymous.get("/v1/reference")
    assert refused.status_code == 503 and "npm ci" in refused.json()["error"]["message"]
