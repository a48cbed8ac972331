"""A fresh schema of the PostgreSQL test server for one test (scripts/test
starts the server and sets SLOTCRAFT_TEST_POSTGRES_URI): skipped without a
server, unless SLOTCRAFT_REQUIRE_POSTGRES=1 says the test must run."""

from __future__ import annotations

import os
import subprocess
from contextlib import contextmanager
from typing import Iterator

import pytest

import slotcraft as sc


def postgres_uri() -> str | None:
    uri = os.environ.get("SLOTCRAFT_TEST_POSTGRES_URI") or None
    if uri is None and os.environ.get("SLOTCRAFT_REQUIRE_POSTGRES") == "1":
        raise RuntimeError("SLOTCRAFT_REQUIRE_POSTGRES=1 but SLOTCRAFT_TEST_POSTGRES_URI is not set")
    return uri if uri and sc.postgres_store_available() else None


def psql(uri: str, sql: str) -> None:
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", uri, "-c", sql], check=True, capture_output=True)


@contextmanager
def scratch_schema(prefix: str) -> Iterator[str]:
    """The URI of a new schema `<prefix>_<pid>` (its search_path), dropped afterwards."""
    uri = postgres_uri()
    if uri is None:
        pytest.skip("no PostgreSQL test server (SLOTCRAFT_TEST_POSTGRES_URI) or slotcraft built without it")
    schema = f"{prefix}_{os.getpid()}"
    psql(uri, f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
    try:
        yield f"{uri}{'&' if '?' in uri else '?'}options=-csearch_path%3D{schema}"
    finally:
        psql(uri, f"DROP SCHEMA {schema} CASCADE")
