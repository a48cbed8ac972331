"""The booking bot's own tables beside botkit's (`bot_users`, ...): masters,
their services with prices, which clients came by whose link, the messages
between them, reviews."""

from __future__ import annotations

from botkit.storage import StateStore, is_postgres

__all__ = ["BotStore", "is_postgres"]

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS bot_masters (
        master_id TEXT PRIMARY KEY, user_id TEXT NOT NULL UNIQUE, code TEXT NOT NULL UNIQUE)""",
    # The master's services in their order, with what slotcraft does not model (the price); a removed one stays
    # (removed = 1, and unlinked in slotcraft) so its id is never reused.
    """CREATE TABLE IF NOT EXISTS bot_services (
        service_id TEXT PRIMARY KEY, master_id TEXT NOT NULL, position INTEGER NOT NULL,
        price TEXT NOT NULL DEFAULT '', removed INTEGER NOT NULL DEFAULT 0)""",
    """CREATE TABLE IF NOT EXISTS bot_clients (
        master_id TEXT NOT NULL, user_id TEXT NOT NULL, joined TEXT NOT NULL,
        PRIMARY KEY (master_id, user_id))""",
    """CREATE TABLE IF NOT EXISTS bot_messages (
        seq {serial} PRIMARY KEY, master_id TEXT NOT NULL, client_user_id TEXT NOT NULL,
        sender TEXT NOT NULL, text TEXT NOT NULL, at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS bot_reviews (
        booking_id TEXT PRIMARY KEY, master_id TEXT NOT NULL, client_user_id TEXT NOT NULL,
        rating INTEGER NOT NULL, text TEXT NOT NULL, at TEXT NOT NULL)""",
)


class BotStore(StateStore):
    def __init__(self, target: str, extra_schema: tuple[str, ...] = ()) -> None:
        super().__init__(target, (*SCHEMA, *extra_schema))

    # ---- masters, services, clients -------------------------------------------

    def masters(self) -> list[str]:
        return [r[0] for r in self.all("SELECT master_id FROM bot_masters ORDER BY master_id", ())]

    def master_of_user(self, user_id: str) -> str | None:
        row = self.one("SELECT master_id FROM bot_masters WHERE user_id = ?", (user_id,))
        return row[0] if row else None

    def master_by_code(self, code: str) -> str | None:
        row = self.one("SELECT master_id FROM bot_masters WHERE code = ?", (code,))
        return row[0] if row else None

    def master_row(self, master_id: str) -> tuple[str, str] | None:
        """(user_id, code) of a master."""
        row = self.one("SELECT user_id, code FROM bot_masters WHERE master_id = ?", (master_id,))
        return (row[0], row[1]) if row else None

    def add_master(self, master_id: str, user_id: str, code: str) -> None:
        self.run(
            "INSERT INTO bot_masters (master_id, user_id, code) VALUES (?, ?, ?) ON CONFLICT (master_id) DO NOTHING",
            (master_id, user_id, code),
        )

    def services(self, master_id: str) -> list[tuple[str, str]]:
        """(service_id, price) of a master's services, in the order they were added."""
        return [
            (r[0], r[1])
            for r in self.all(
                "SELECT service_id, price FROM bot_services WHERE master_id = ? AND removed = 0 ORDER BY position", (master_id,)
            )
        ]

    def put_service(self, service_id: str, master_id: str, position: int, price: str) -> None:
        self.run(
            "INSERT INTO bot_services (service_id, master_id, position, price) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (service_id) DO UPDATE SET position = excluded.position, price = excluded.price",
            (service_id, master_id, position, price),
        )

    def remove_service(self, service_id: str) -> None:
        self.run("UPDATE bot_services SET removed = 1 WHERE service_id = ?", (service_id,))

    def removed_services(self) -> list[tuple[str, str]]:
        """(service_id, master_id) of every removed service."""
        return [(r[0], r[1]) for r in self.all("SELECT service_id, master_id FROM bot_services WHERE removed = 1")]

    def service_count(self, master_id: str) -> int:
        """Every service id the master ever had, removed ones too (ids are never reused)."""
        row = self.one("SELECT count(*) FROM bot_services WHERE master_id = ? AND removed = 1", (master_id,))
        return int(row[0]) if row else 0

    def link_client(self, master_id: str, user_id: str, at: str) -> None:
        self.run(
            "INSERT INTO bot_clients (master_id, user_id, joined) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (master_id, user_id, at),
        )

    def masters_of_client(self, user_id: str) -> list[str]:
        return [r[0] for r in self.all("SELECT master_id FROM bot_clients WHERE user_id = ? ORDER BY joined, master_id", (user_id,))]

    def clients_of_master(self, master_id: str) -> list[str]:
        return [r[0] for r in self.all("SELECT user_id FROM bot_clients WHERE master_id = ? ORDER BY user_id", (master_id,))]

    # ---- conversation, reviews, updates ----------------------------------------

    def add_message(self, master_id: str, client_user_id: str, sender: str, text: str, at: str) -> None:
        self.run(
            "INSERT INTO bot_messages (master_id, client_user_id, sender, text, at) VALUES (?, ?, ?, ?, ?)",
            (master_id, client_user_id, sender, text, at),
        )

    def history(self, master_id: str, client_user_id: str, limit: int = 20) -> list[tuple[str, str, str]]:
        """(sender, text, at), oldest first, of the last `limit` messages."""
        rows = self.all(
            "SELECT sender, text, at FROM bot_messages WHERE master_id = ? AND client_user_id = ? "
            "ORDER BY seq DESC LIMIT ?",
            (master_id, client_user_id, limit),
        )
        return [(r[0], r[1], r[2]) for r in reversed(rows)]

    def reviewed(self, booking_id: str) -> bool:
        return self.one("SELECT 1 FROM bot_reviews WHERE booking_id = ?", (booking_id,)) is not None

    def add_review(self, booking_id: str, master_id: str, user_id: str, rating: int, text: str, at: str) -> bool:
        return (
            self.run(
                "INSERT INTO bot_reviews (booking_id, master_id, client_user_id, rating, text, at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (booking_id) DO NOTHING",
                (booking_id, master_id, user_id, rating, text, at),
            )
            == 1
        )
