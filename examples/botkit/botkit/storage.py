"""A bot's own tables (prefix `bot_`) in the same database as slotcraft's:
SQLite through `sqlite3`, PostgreSQL through Debian's `python3-psycopg2`. These
are what every bot here keeps (users and their dialog state, handled updates,
flood counters, when each account last wrote, "I'm coming", the morning
agendas sent, /connect's codes); a bot adds its own tables (`extra_schema`).

Open slotcraft's `Scheduler` on the file first: slotcraft adopts only an
empty SQLite file, and then tolerates foreign tables beside its own."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

SCHEMA = [
    # `active_master` is the booking bot's: the master a client of several masters talks to.
    """CREATE TABLE IF NOT EXISTS bot_users (
        user_id TEXT PRIMARY KEY, chat_id TEXT NOT NULL, name TEXT NOT NULL DEFAULT '',
        lang TEXT NOT NULL DEFAULT '', state TEXT NOT NULL DEFAULT '', data TEXT NOT NULL DEFAULT '{}',
        active_master TEXT NOT NULL DEFAULT '', client_id TEXT NOT NULL DEFAULT '')""",
    "CREATE TABLE IF NOT EXISTS bot_updates (update_id BIGINT PRIMARY KEY, at TEXT NOT NULL)",
    # When each account last wrote: a client on two messengers hears where they last wrote.
    "CREATE TABLE IF NOT EXISTS bot_seen (user_id TEXT PRIMARY KEY, at TEXT NOT NULL)",
    # Bookings whose client tapped "I'm coming" under a reminder (the master is told once).
    "CREATE TABLE IF NOT EXISTS bot_coming (booking_id TEXT PRIMARY KEY, at TEXT NOT NULL)",
    # The morning agendas sent: one per master and local day, whichever worker sends it.
    "CREATE TABLE IF NOT EXISTS bot_agendas (master_id TEXT NOT NULL, day TEXT NOT NULL, PRIMARY KEY (master_id, day))",
    # /connect's one-time codes: the account that asked, and until when the code works.
    "CREATE TABLE IF NOT EXISTS bot_connect_codes (code TEXT PRIMARY KEY, user_id TEXT NOT NULL, expires_at TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS bot_throttle (
        user_id TEXT PRIMARY KEY, window_start DOUBLE PRECISION NOT NULL, hits INTEGER NOT NULL,
        warned INTEGER NOT NULL)""",
]


# How long a statement waits for a SQLite file that another connection is writing.
BUSY_WAIT_S = 30.0


def is_postgres(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def _switch_to_wal(conn: Any) -> None:
    """Puts the SQLite file in WAL mode. A new file's switch needs the file to
    itself, and SQLite refuses it at once, without its busy handler, while
    another process opens the file (a bot and its reminder worker starting
    together): it is tried again until BUSY_WAIT_S have passed."""
    import sqlite3

    deadline = time.monotonic() + BUSY_WAIT_S
    pause = 0.001
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            if "database is locked" not in str(e) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


class StateStore:
    """One connection per thread; every statement commits on its own."""

    def __init__(self, target: str, extra_schema: tuple[str, ...] = ()) -> None:
        """`extra_schema`: the bot's own tables (the booking bot's masters, the club's `club_*`), created beside these."""
        self.target = target
        self.pg = is_postgres(target)
        self._local = threading.local()
        serial = "BIGSERIAL" if self.pg else "INTEGER"
        for ddl in [*SCHEMA, *extra_schema]:
            self.run(ddl.replace("{serial}", serial))

    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self.pg:
                import psycopg2  # Debian's python3-psycopg2

                conn = psycopg2.connect(self.target)
                conn.autocommit = True
            else:
                import sqlite3

                conn = sqlite3.connect(self.target, timeout=BUSY_WAIT_S, isolation_level=None,
                                       check_same_thread=False)
                conn.execute(f"PRAGMA busy_timeout = {int(BUSY_WAIT_S * 1000)}")
                # As slotcraft keeps its file: a bot file of its own (--api) would else commit
                # through a rollback journal, several times slower per update.
                _switch_to_wal(conn)
            self._local.conn = conn
        return conn

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.pg else sql

    def run(self, sql: str, params: tuple = ()) -> int:
        """Executes a statement; the number of rows it changed."""
        cur = self._conn().cursor()
        try:
            cur.execute(self._sql(sql), params)
            return cur.rowcount
        finally:
            cur.close()

    def all(self, sql: str, params: tuple = ()) -> list[tuple]:
        cur = self._conn().cursor()
        try:
            cur.execute(self._sql(sql), params)
            return list(cur.fetchall())
        finally:
            cur.close()

    def one(self, sql: str, params: tuple = ()) -> tuple | None:
        rows = self.all(sql, params)
        return rows[0] if rows else None

    # ---- users and dialog state ---------------------------------------------

    def user(self, user_id: str) -> dict | None:
        row = self.one(
            "SELECT user_id, chat_id, name, lang, state, data, active_master, client_id FROM bot_users WHERE user_id = ?",
            (user_id,),
        )
        if row is None:
            return None
        keys = ("user_id", "chat_id", "name", "lang", "state", "data", "active_master", "client_id")
        user = dict(zip(keys, row))
        user["data"] = json.loads(user["data"] or "{}")
        return user

    def touch_user(self, user_id: str, chat_id: str, name: str, lang: str, at: str = "") -> dict:
        """The user, made or renamed; `at`: when they wrote (for where a client on two messengers hears)."""
        self.run(
            "INSERT INTO bot_users (user_id, chat_id, name, lang) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET chat_id = excluded.chat_id, name = excluded.name",
            (user_id, chat_id, name, lang),
        )
        if at:
            self.run("INSERT INTO bot_seen (user_id, at) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET at = excluded.at",
                     (user_id, at))
        user = self.user(user_id)
        assert user is not None
        return user

    def set_state(self, user_id: str, state: str, data: dict | None = None) -> None:
        self.run(
            "UPDATE bot_users SET state = ?, data = ? WHERE user_id = ?",
            (state, json.dumps(data or {}, ensure_ascii=False), user_id),
        )

    def set_field(self, user_id: str, field: str, value: str) -> None:
        assert field in ("lang", "active_master", "client_id")
        self.run(f"UPDATE bot_users SET {field} = ? WHERE user_id = ?", (value, user_id))

    def user_by_client(self, client_id: str) -> dict | None:
        """The client's account that wrote last (a client may use the bot from several messengers)."""
        row = self.one("SELECT u.user_id FROM bot_users u LEFT JOIN bot_seen s ON s.user_id = u.user_id "
                       "WHERE u.client_id = ? ORDER BY COALESCE(s.at, '') DESC, u.user_id LIMIT 1", (client_id,))
        return self.user(row[0]) if row else None

    def mark_agenda(self, master_id: str, day: str) -> bool:
        """True for exactly one caller per staff member (a master, a teacher) and local day: that one sends the
        agenda."""
        return self.run("INSERT INTO bot_agendas (master_id, day) VALUES (?, ?) ON CONFLICT (master_id, day) DO NOTHING",
                        (master_id, day)) == 1

    def mark_coming(self, booking_id: str, at: str) -> bool:
        """True the first time the client says they are coming to `booking_id`."""
        return self.run("INSERT INTO bot_coming (booking_id, at) VALUES (?, ?) ON CONFLICT (booking_id) DO NOTHING",
                        (booking_id, at)) == 1

    def new_connect_code(self, user_id: str, code: str, expires_at: str) -> None:
        """`code` now connects to `user_id` until `expires_at`; an earlier code of theirs stops working."""
        self.run("DELETE FROM bot_connect_codes WHERE user_id = ?", (user_id,))
        self.run("INSERT INTO bot_connect_codes (code, user_id, expires_at) VALUES (?, ?, ?)", (code, user_id, expires_at))

    def take_connect_code(self, code: str, now: str) -> str | None:
        """The account `code` connects to, once: the code is gone after; None when unknown or expired."""
        row = self.one("SELECT user_id, expires_at FROM bot_connect_codes WHERE code = ?", (code,))
        if row is None or self.run("DELETE FROM bot_connect_codes WHERE code = ?", (code,)) != 1:
            return None  # unknown, or taken by a concurrent /connect
        return str(row[0]) if str(row[1]) > now else None

    def first_time(self, update_id: int, at: str) -> bool:
        """True once per update id: a restarted bot skips updates it already handled."""
        return (
            self.run("INSERT INTO bot_updates (update_id, at) VALUES (?, ?) ON CONFLICT (update_id) DO NOTHING", (update_id, at))
            == 1
        )
