"""The API reference page at /v1/reference: Swagger UI over /v1/openapi.json,
from files the build installs with `npm ci` (web/package-lock.json) into the
package's `web` folder. Nothing is loaded from elsewhere, so it works offline.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import APIRouter
from starlette.responses import FileResponse, HTMLResponse, Response

import slotcraft as sc

from .errors import ApiError

# Where the built files are: $SLOTCRAFT_WEB_ASSETS, else the package's web folder.
WEB_VARIABLE = "SLOTCRAFT_WEB_ASSETS"
ASSETS = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css", "LICENSE": "text/plain"}

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>slotcraft API reference</title>
<link rel="stylesheet" href="reference/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="reference/swagger-ui-bundle.js"></script>
<script src="reference/start.js"></script>
</body>
</html>
"""

START = 'window.ui = SwaggerUIBundle({url: "openapi.json", dom_id: "#reference", deepLinking: true});\n'


def assets_dir() -> Path:
    """Where the built files are: a folder per npm package (`swagger-ui-dist/`, `fullcalendar/`)."""
    return Path(os.environ.get(WEB_VARIABLE) or Path(sc.__file__).parent / "web")


def swagger_dir() -> Path:
    return assets_dir() / "swagger-ui-dist"


def routes() -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @api.get("/reference")
    def reference_page() -> Response:
        if not (swagger_dir() / "swagger-ui-bundle.js").is_file():
            raise ApiError(503, f"the reference page's files are not built in {swagger_dir()} "
                           "(the build installs them with npm ci from web/package-lock.json)")
        return HTMLResponse(PAGE, headers={"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                                           "style-src 'self' 'unsafe-inline'"})

    @api.get("/reference/start.js")
    def reference_start() -> Response:
        return Response(START, media_type="text/javascript")

    @api.get("/reference/{name}")
    def reference_asset(name: str) -> Response:
        path = swagger_dir() / name
        if name not in ASSETS or not path.is_file():
            raise ApiError(404, f"no file {name!r} of the reference page", field="name")
        return FileResponse(path, media_type=ASSETS[name], headers={"Cache-Control": "public, max-age=3600"})

    return api
