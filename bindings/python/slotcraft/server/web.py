"""The browser side's files: libraries built from npm (web/package-lock.json)
under /assets/<package>/<file>, and the project's own pages' scripts and
styles (the package's `static/` folder) under /static/. Nothing is loaded from
another host, so the pages work offline; `page()` answers an HTML page with a
Content-Security-Policy that allows only the server's own files.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from starlette.responses import FileResponse, HTMLResponse, Response

from .errors import ApiError
from .reference import assets_dir

STATIC_DIR = Path(__file__).parent / "static"
MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png",
               ".md": "text/plain; charset=utf-8", ".json": "application/json"}
# Scripts and styles only from this server; the pages call the API on it.
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                           "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def page(html: str, *, csp: str = CONTENT_SECURITY_POLICY, status: int = 200) -> HTMLResponse:
    """An HTML page that may load files from this server only."""
    return HTMLResponse(html, status, headers={"Content-Security-Policy": csp, "X-Content-Type-Options": "nosniff",
                                               "Referrer-Policy": "same-origin", "Cache-Control": "no-store"})


def _file_under(root: Path, relative: str, what: str) -> FileResponse:
    """The file `relative` inside `root`, never outside it (no `..`, no links out)."""
    try:
        path = (root / relative).resolve()
        found = path.is_relative_to(root.resolve()) and path.is_file()
    except (ValueError, OSError):  # a NUL in it, or a name or path longer than the disk's
        found = False
    media_type = MEDIA_TYPES.get(path.suffix) if found else None
    if media_type is None:
        raise ApiError(404, f"no {what} {relative!r}", field="path")
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "public, max-age=300",
                                                              "X-Content-Type-Options": "nosniff"})


def routes() -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @api.get("/assets/{path:path}")
    def library_file(path: str) -> Response:
        """A file of a browser-side library, as the build copied it from npm."""
        if not assets_dir().is_dir():
            raise ApiError(503, f"the browser-side libraries are not built in {assets_dir()} "
                           "(the build installs them with npm ci from web/package-lock.json)")
        return _file_under(assets_dir(), path, "library file")

    @api.get("/static/{path:path}")
    def own_file(path: str) -> Response:
        """A script or style of slotcraft's own pages."""
        return _file_under(STATIC_DIR, path, "file")

    return api
