"""The club bot's own tables (`club_*`), created beside the booking bot's
`bot_*` tables (users, dialog state, handled updates, flood counters) in the
same database as slotcraft's. Scheduling data (teachers = resources, subjects
= services, teacher-subject links, availability overrides, bookings) is
slotcraft's; here is only what slotcraft does not model."""

from __future__ import annotations

import json

from botkit.storage import StateStore

CLUB_SCHEMA = (
    # slotcraft cannot list resources or services: the club keeps the lists (and invite codes). Rows are never
    # deleted: a removed teacher or subject is in club_removed, and its id is not reused.
    """CREATE TABLE IF NOT EXISTS club_teachers (
        resource_id TEXT PRIMARY KEY, position INTEGER NOT NULL, code TEXT NOT NULL UNIQUE,
        user_id TEXT NOT NULL DEFAULT '')""",
    """CREATE TABLE IF NOT EXISTS club_subjects (
        service_id TEXT PRIMARY KEY, position INTEGER NOT NULL)""",
    # Teachers and subjects the admin removed (kind 'teacher' or 'subject'). slotcraft keeps their records and
    # bookings; the club stops listing them. A table of its own so older databases need no column added.
    """CREATE TABLE IF NOT EXISTS club_removed (
        kind TEXT NOT NULL, id TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (kind, id))""",
    # A teacher's answers to the daily poll: the start times ticked for a day.
    """CREATE TABLE IF NOT EXISTS club_answers (
        resource_id TEXT NOT NULL, day TEXT NOT NULL, slots TEXT NOT NULL, at TEXT NOT NULL,
        PRIMARY KEY (resource_id, day))""",
    # Days /plan filled with a teacher's usual hours because they had not answered (not their answer).
    """CREATE TABLE IF NOT EXISTS club_usual_days (
        resource_id TEXT NOT NULL, day TEXT NOT NULL, PRIMARY KEY (resource_id, day))""",
    # One row per teacher and local date the poll went out: inserted once, across processes.
    """CREATE TABLE IF NOT EXISTS club_polls_sent (
        resource_id TEXT NOT NULL, day TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (resource_id, day))""",
    # The weekly timetable: teacher, subject, weekday (0 = Monday), local start time.
    """CREATE TABLE IF NOT EXISTS club_templates (
        template_id {serial} PRIMARY KEY, resource_id TEXT NOT NULL, service_id TEXT NOT NULL, weekday INTEGER NOT NULL,
        at TEXT NOT NULL, removed INTEGER NOT NULL DEFAULT 0)""",
    # Sessions /plan created from the templates: the only times a timetabled subject is offered.
    """CREATE TABLE IF NOT EXISTS club_sessions (
        resource_id TEXT NOT NULL, service_id TEXT NOT NULL, start_utc TEXT NOT NULL,
        PRIMARY KEY (resource_id, service_id, start_utc))""",
    """CREATE TABLE IF NOT EXISTS club_faq (
        faq_id {serial} PRIMARY KEY, question TEXT NOT NULL, answer TEXT NOT NULL, removed INTEGER NOT NULL DEFAULT 0)""",
    # What the FAQ did with each question: answered, helped, handed (to a person).
    """CREATE TABLE IF NOT EXISTS club_faq_events (
        event_id {serial} PRIMARY KEY, user_id TEXT NOT NULL, faq_id BIGINT NOT NULL, question TEXT NOT NULL,
        outcome TEXT NOT NULL, at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS club_convs (
        conv_id {serial} PRIMARY KEY, client_user_id TEXT NOT NULL, messenger TEXT NOT NULL, chat_id TEXT NOT NULL,
        owner TEXT NOT NULL DEFAULT '', status TEXT NOT NULL, operator TEXT NOT NULL DEFAULT '',
        via TEXT NOT NULL, opened_at TEXT NOT NULL, first_reply_at TEXT NOT NULL DEFAULT '',
        closed_at TEXT NOT NULL DEFAULT '')""",
    # The club's own settings slotcraft has no place for (the cancellation cut-off), by name.
    """CREATE TABLE IF NOT EXISTS club_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    # Conversations of a teacher's client that waited too long and were shown to the admins: once each.
    """CREATE TABLE IF NOT EXISTS club_escalated (conv_id BIGINT PRIMARY KEY, at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS club_conv_messages (
        seq {serial} PRIMARY KEY, conv_id BIGINT NOT NULL, sender TEXT NOT NULL, text TEXT NOT NULL, at TEXT NOT NULL)""",
)

CONV = ("conv_id", "client_user_id", "messenger", "chat_id", "owner", "status", "operator", "via", "opened_at",
        "first_reply_at", "closed_at")


class ClubStore(StateStore):
    def __init__(self, target: str) -> None:
        super().__init__(target, CLUB_SCHEMA)

    # ---- the club's settings ------------------------------------------------------------

    def setting(self, name: str, default: str) -> str:
        row = self.one("SELECT value FROM club_settings WHERE name = ?", (name,))
        return str(row[0]) if row else default

    def set_setting(self, name: str, value: str) -> None:
        self.run("INSERT INTO club_settings (name, value) VALUES (?, ?) "
                 "ON CONFLICT (name) DO UPDATE SET value = excluded.value", (name, value))

    # ---- teachers and subjects ----------------------------------------------------------

    def teachers(self, removed: bool = False) -> list[tuple[str, str, str]]:
        """(resource_id, code, user_id) in the order they were added; with `removed`, removed ones too."""
        where = "" if removed else " WHERE resource_id NOT IN (SELECT id FROM club_removed WHERE kind = 'teacher')"
        return [(r[0], r[1], r[2]) for r in self.all(f"SELECT resource_id, code, user_id FROM club_teachers{where} ORDER BY position")]

    def teacher_count(self) -> int:
        """Every teacher ever added, removed ones too (ids are never reused)."""
        row = self.one("SELECT count(*) FROM club_teachers")
        return int(row[0]) if row else 0

    def add_teacher(self, resource_id: str, code: str) -> None:
        self.run("INSERT INTO club_teachers (resource_id, position, code) VALUES (?, ?, ?)",
                 (resource_id, self.teacher_count(), code))

    def teacher_by_code(self, code: str) -> str | None:
        row = self.one("SELECT resource_id FROM club_teachers WHERE code = ? AND resource_id NOT IN "
                       "(SELECT id FROM club_removed WHERE kind = 'teacher')", (code,))
        return row[0] if row else None

    def teacher_of_user(self, user_id: str) -> str | None:
        """The teacher this Telegram user is (a removed teacher is nobody's)."""
        row = self.one("SELECT resource_id FROM club_teachers WHERE user_id = ? AND resource_id NOT IN "
                       "(SELECT id FROM club_removed WHERE kind = 'teacher')", (user_id,))
        return row[0] if row else None

    def teacher_user(self, resource_id: str) -> str:
        """The Telegram user of a teacher on the bot ('' for one not joined or removed)."""
        row = self.one("SELECT user_id FROM club_teachers WHERE resource_id = ? AND resource_id NOT IN "
                       "(SELECT id FROM club_removed WHERE kind = 'teacher')", (resource_id,))
        return row[0] if row else ""

    def claim_teacher(self, resource_id: str, user_id: str) -> bool:
        return self.run("UPDATE club_teachers SET user_id = ? WHERE resource_id = ? AND user_id = ''",
                        (user_id, resource_id)) == 1

    def subjects(self) -> list[str]:
        return [r[0] for r in self.all("SELECT service_id FROM club_subjects WHERE service_id NOT IN "
                                       "(SELECT id FROM club_removed WHERE kind = 'subject') ORDER BY position")]

    def subject_count(self) -> int:
        """Every subject ever added, removed ones too (ids are never reused)."""
        row = self.one("SELECT count(*) FROM club_subjects")
        return int(row[0]) if row else 0

    def add_subject(self, service_id: str) -> None:
        self.run("INSERT INTO club_subjects (service_id, position) VALUES (?, ?)", (service_id, self.subject_count()))

    def remove(self, kind: str, id: str, at: str) -> bool:
        """Marks a teacher or subject removed; False if it already was."""
        assert kind in ("teacher", "subject")
        return self.run("INSERT INTO club_removed (kind, id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", (kind, id, at)) == 1

    def remove_templates(self, resource_id: str = "", service_id: str = "") -> int:
        """Removes the weekly sessions of a teacher, a subject, or one pair of them; how many."""
        assert resource_id or service_id
        return self.run("UPDATE club_templates SET removed = 1 WHERE removed = 0 AND (? = '' OR resource_id = ?) "
                        "AND (? = '' OR service_id = ?)", (resource_id, resource_id, service_id, service_id))

    # ---- the daily poll -------------------------------------------------------------------

    def answer(self, resource_id: str, day: str) -> list[str] | None:
        row = self.one("SELECT slots FROM club_answers WHERE resource_id = ? AND day = ?", (resource_id, day))
        return json.loads(row[0]) if row else None

    def set_answer(self, resource_id: str, day: str, slots: list[str], at: str, *, usual: bool = False) -> None:
        """The day's ticked starts: the teacher's answer, or (`usual`) the usual hours /plan kept for them."""
        self.run("INSERT INTO club_answers (resource_id, day, slots, at) VALUES (?, ?, ?, ?) "
                 "ON CONFLICT (resource_id, day) DO UPDATE SET slots = excluded.slots, at = excluded.at",
                 (resource_id, day, json.dumps(sorted(slots)), at))
        if usual:
            self.run("INSERT INTO club_usual_days (resource_id, day) VALUES (?, ?) ON CONFLICT DO NOTHING",
                     (resource_id, day))
        else:
            self.run("DELETE FROM club_usual_days WHERE resource_id = ? AND day = ?", (resource_id, day))

    def answers_from(self, day: str) -> list[tuple[str, str, list[str]]]:
        """(resource_id, day, ticked starts) of every answer for `day` and later."""
        return [(r[0], r[1], json.loads(r[2])) for r in self.all(
            "SELECT resource_id, day, slots FROM club_answers WHERE day >= ? ORDER BY resource_id, day", (day,))]

    def usual_day(self, resource_id: str, day: str) -> bool:
        """Whether the day's hours are the usual ones /plan kept, not the teacher's answer."""
        return self.one("SELECT 1 FROM club_usual_days WHERE resource_id = ? AND day = ?", (resource_id, day)) is not None

    def claim_poll(self, resource_id: str, day: str, at: str) -> bool:
        """True once per teacher and local date, whichever process asks first."""
        return self.run("INSERT INTO club_polls_sent (resource_id, day, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                        (resource_id, day, at)) == 1

    # ---- timetable templates and planned sessions ------------------------------------------

    def templates(self) -> list[tuple[int, str, str, int, str]]:
        """(template_id, resource_id, service_id, weekday, HH:MM), by weekday and time."""
        return [(int(r[0]), r[1], r[2], int(r[3]), r[4]) for r in self.all(
            "SELECT template_id, resource_id, service_id, weekday, at FROM club_templates WHERE removed = 0 "
            "ORDER BY weekday, at, template_id")]

    def add_template(self, resource_id: str, service_id: str, weekday: int, at: str) -> None:
        self.run("INSERT INTO club_templates (resource_id, service_id, weekday, at) VALUES (?, ?, ?, ?)",
                 (resource_id, service_id, weekday, at))

    def remove_template(self, template_id: int) -> bool:
        return self.run("UPDATE club_templates SET removed = 1 WHERE template_id = ? AND removed = 0", (template_id,)) == 1

    def timetabled(self, service_id: str) -> bool:
        return self.one("SELECT 1 FROM club_templates WHERE service_id = ? AND removed = 0", (service_id,)) is not None

    def put_session(self, resource_id: str, service_id: str, start_utc: str) -> bool:
        """Plans a session; False if it already was (whichever process asked first planned it)."""
        return self.run("INSERT INTO club_sessions (resource_id, service_id, start_utc) VALUES (?, ?, ?) "
                        "ON CONFLICT DO NOTHING", (resource_id, service_id, start_utc)) == 1

    def remove_session(self, resource_id: str, service_id: str, start_utc: str) -> None:
        self.run("DELETE FROM club_sessions WHERE resource_id = ? AND service_id = ? AND start_utc = ?",
                 (resource_id, service_id, start_utc))

    def sessions(self, service_id: str) -> set[tuple[str, str]]:
        """(resource_id, start in UTC ISO 8601) of the subject's planned sessions."""
        return {(r[0], r[1]) for r in self.all("SELECT resource_id, start_utc FROM club_sessions WHERE service_id = ?",
                                               (service_id,))}

    # ---- FAQ ---------------------------------------------------------------------------------

    def faqs(self) -> list[tuple[int, str, str]]:
        return [(int(r[0]), r[1], r[2]) for r in
                self.all("SELECT faq_id, question, answer FROM club_faq WHERE removed = 0 ORDER BY faq_id")]

    def add_faq(self, question: str, answer: str) -> None:
        self.run("INSERT INTO club_faq (question, answer) VALUES (?, ?)", (question, answer))

    def remove_faq(self, faq_id: int) -> bool:
        return self.run("UPDATE club_faq SET removed = 1 WHERE faq_id = ? AND removed = 0", (faq_id,)) == 1

    def faq_event(self, user_id: str, faq_id: int, question: str, outcome: str, at: str) -> int:
        self.run("INSERT INTO club_faq_events (user_id, faq_id, question, outcome, at) VALUES (?, ?, ?, ?, ?)",
                 (user_id, faq_id, question, outcome, at))
        row = self.one("SELECT max(event_id) FROM club_faq_events WHERE user_id = ?", (user_id,))
        return int(row[0])

    def faq_event_row(self, event_id: int, user_id: str) -> tuple[int, str, str] | None:
        """(faq_id, question, outcome) of the user's own event."""
        row = self.one("SELECT faq_id, question, outcome FROM club_faq_events WHERE event_id = ? AND user_id = ?",
                       (event_id, user_id))
        return (int(row[0]), row[1], row[2]) if row else None

    def set_faq_outcome(self, event_id: int, outcome: str) -> bool:
        return self.run("UPDATE club_faq_events SET outcome = ? WHERE event_id = ? AND outcome = 'answered'",
                        (outcome, event_id)) == 1

    def faq_counts(self) -> dict[str, int]:
        return {r[0]: int(r[1]) for r in self.all("SELECT outcome, count(*) FROM club_faq_events GROUP BY outcome")}

    # ---- conversations ---------------------------------------------------------------------

    def _conv(self, row: tuple | None) -> dict | None:
        return dict(zip(CONV, row)) if row else None

    def conv(self, conv_id: int) -> dict | None:
        return self._conv(self.one(f"SELECT {', '.join(CONV)} FROM club_convs WHERE conv_id = ?", (conv_id,)))

    def open_conv_of(self, client_user_id: str) -> dict | None:
        return self._conv(self.one(f"SELECT {', '.join(CONV)} FROM club_convs WHERE client_user_id = ? "
                                   "AND status <> 'closed' ORDER BY conv_id DESC LIMIT 1", (client_user_id,)))

    def open_conv(self, client_user_id: str, messenger: str, chat_id: str, owner: str, via: str, at: str) -> dict:
        self.run("INSERT INTO club_convs (client_user_id, messenger, chat_id, owner, status, via, opened_at) "
                 "VALUES (?, ?, ?, ?, 'open', ?, ?)", (client_user_id, messenger, chat_id, owner, via, at))
        conv = self.open_conv_of(client_user_id)
        assert conv is not None
        return conv

    @staticmethod
    def _owned_by(owners: list[str] | None) -> tuple[str, tuple[str, ...]]:
        """The SQL condition (and its values) of conversations in these owners' queues; None: every queue."""
        if owners is None:
            return "", ()
        return f" AND owner IN ({', '.join('?' for _ in owners)})", tuple(owners)

    def queue(self, owners: list[str] | None) -> list[dict]:
        where, values = self._owned_by(owners)
        rows = self.all(f"SELECT {', '.join(CONV)} FROM club_convs WHERE status = 'open'{where} ORDER BY conv_id", values)
        return [dict(zip(CONV, r)) for r in rows]

    def take(self, conv_id: int, operator: str, owners: list[str] | None) -> bool:
        """Takes an open conversation of these owners' queues; an admin (None) also one that was shown to
        the admins for waiting too long while taken and not answered (taking it over)."""
        where, values = self._owned_by(owners)
        takeable = "status = 'open'"
        if owners is None:
            takeable = ("(status = 'open' OR (status = 'taken' AND first_reply_at = '' "
                        "AND conv_id IN (SELECT conv_id FROM club_escalated)))")
        return self.run(f"UPDATE club_convs SET status = 'taken', operator = ? WHERE conv_id = ? AND {takeable}"
                        f"{where}", (operator, conv_id, *values)) == 1

    def waiting_since(self, before: str) -> list[dict]:
        """Conversations of a teacher's client opened before `before` with no answer yet, open or taken,
        and not yet shown to the admins."""
        rows = self.all(f"SELECT {', '.join(CONV)} FROM club_convs WHERE (status = 'open' OR "
                        "(status = 'taken' AND first_reply_at = '')) AND owner <> '' AND opened_at <= ? "
                        "AND conv_id NOT IN (SELECT conv_id FROM club_escalated) ORDER BY conv_id", (before,))
        return [dict(zip(CONV, r)) for r in rows]

    def claim_escalation(self, conv_id: int, at: str) -> bool:
        """True once per conversation, whichever process asks first."""
        return self.run("INSERT INTO club_escalated (conv_id, at) VALUES (?, ?) ON CONFLICT DO NOTHING", (conv_id, at)) == 1

    def last_closed_at(self, client_user_id: str) -> str:
        row = self.one("SELECT closed_at FROM club_convs WHERE client_user_id = ? AND status = 'closed' "
                       "ORDER BY conv_id DESC LIMIT 1", (client_user_id,))
        return str(row[0]) if row else ""

    def requeue(self, user_id: str) -> int:
        """A removed teacher's conversations that are not closed go back to the shared queue (the admins'); how many."""
        return self.run("UPDATE club_convs SET owner = '', operator = '', status = 'open' WHERE status <> 'closed' "
                        "AND (owner = ? OR operator = ?)", (user_id, user_id))

    def first_reply(self, conv_id: int, at: str) -> None:
        self.run("UPDATE club_convs SET first_reply_at = ? WHERE conv_id = ? AND first_reply_at = ''", (at, conv_id))

    def close_conv(self, conv_id: int, operator: str, at: str) -> bool:
        return self.run("UPDATE club_convs SET status = 'closed', closed_at = ? WHERE conv_id = ? AND operator = ? "
                        "AND status = 'taken'", (at, conv_id, operator)) == 1

    def add_conv_message(self, conv_id: int, sender: str, text: str, at: str) -> None:
        self.run("INSERT INTO club_conv_messages (conv_id, sender, text, at) VALUES (?, ?, ?, ?)", (conv_id, sender, text, at))

    def conv_messages(self, conv_id: int, limit: int = 20) -> list[tuple[str, str]]:
        rows = self.all("SELECT sender, text FROM club_conv_messages WHERE conv_id = ? ORDER BY seq DESC LIMIT ?",
                        (conv_id, limit))
        return [(r[0], r[1]) for r in reversed(rows)]

    def convs(self) -> list[dict]:
        return [dict(zip(CONV, r)) for r in self.all(f"SELECT {', '.join(CONV)} FROM club_convs ORDER BY conv_id")]
