"""The server's own tables (API keys, feed tokens, ...) in the scheduler's
database: a SQLite file through `sqlite3`, PostgreSQL through Debian's
`python3-psycopg2`, a private in-memory SQLite database beside a `memory:`
store. slotcraft's own tables are never touched.

Statements are written with `?` placeholders and run on either database.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from typing import Any

import slotcraft as sc

from .errors import ApiError

log = logging.getLogger(__name__)


class ServerDb:
    """One connection to the database `scheduler` keeps its data in, shared by
    the threads of one process (a lock serialises statements). On PostgreSQL a
    connection the server ended (a restart, a failover, pg_terminate_backend)
    fails the call that meets it with a 503 and is opened anew by the next call,
    as the store's own connections are."""

    def __init__(self, scheduler: sc.Scheduler, schema: Sequence[str] = ()) -> None:
        self._target = scheduler.store.target
        self.postgres = self._target.startswith(("postgresql://", "postgres://"))
        self._lock = threading.Lock()
        self._closed = False
        self._db: Any
        self._db_errors: tuple[type[Exception], ...]
        if self.postgres:
            import psycopg2  # Debian's python3-psycopg2

            self._db_errors = (psycopg2.Error,)
            self._db = self._connect_postgres()
        else:
            path = ":memory:" if self._target == "memory:" else self._target
            self._db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
            self._db_errors = (sqlite3.Error,)
        for statement in schema:
            self.run(statement)

    def _connect_postgres(self) -> Any:
        import psycopg2

        db = psycopg2.connect(self._target)
        db.autocommit = True
        return db

    def close(self) -> None:
        self._closed = True
        self._db.close()

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        """A cursor of the connection, under the lock; a 503 when the database fails."""
        with self._lock, self._failing_as_503():
            # psycopg2 marks a connection the server ended as closed; one closed by close() stays so.
            if self.postgres and self._db.closed and not self._closed:
                self._db = self._connect_postgres()
            with closing(self._db.cursor()) as cursor:
                yield cursor

    def run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Runs one statement in its own transaction; its rows, if it returns any.
        A failing database is a 503 that does not quote the SQL."""
        with self._cursor() as cursor:
            return Transaction(cursor, self.postgres).run(sql, params)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Statements that commit together, or not at all when the block raises.
        It starts as a writer (SQLite: `BEGIN IMMEDIATE`), so two processes that
        read and then update the same rows take turns; on PostgreSQL lock the rows
        read with `FOR UPDATE` (`Transaction.for_update`)."""
        with self._cursor() as cursor:
            cursor.execute("BEGIN" if self.postgres else "BEGIN IMMEDIATE")
            try:
                yield Transaction(cursor, self.postgres)
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")

    @contextmanager
    def _failing_as_503(self) -> Iterator[None]:
        try:
            yield
        except self._db_errors as error:
            log.warning("the server's tables failed: %s", error)
            raise ApiError(503, "the database is not available") from error


class Transaction:
    """Statements with `?` placeholders on an open cursor of either database."""

    def __init__(self, cursor: Any, postgres: bool) -> None:
        self._cursor = cursor
        self.postgres = postgres

    @property
    def for_update(self) -> str:
        """What ends a SELECT whose rows the transaction goes on to change."""
        return " FOR UPDATE" if self.postgres else ""

    def run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self._cursor.execute(sql.replace("?", "%s") if self.postgres else sql, tuple(params))
        return list(self._cursor.fetchall()) if self._cursor.description else []
