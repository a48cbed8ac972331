"""The bot's own state file (botkit.storage) when several bot processes open it
at once, as a bot and its reminder worker do when they start together."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from botkit.storage import StateStore


def _open_and_write(path: str, start: multiprocessing.synchronize.Barrier, results: multiprocessing.Queue,
                    who: int) -> None:
    start.wait()
    try:
        store = StateStore(path)
        store.touch_user(f"u{who}", f"c{who}", f"User {who}", "en")
        results.put("ok")
    except Exception as e:  # noqa: BLE001 - the child reports whatever stopped it
        results.put(f"{type(e).__name__}: {e}")


def test_eight_processes_opening_one_new_state_file_at_once_all_open_it_and_write(tmp_path: Path) -> None:
    # A new file is switched to WAL by whoever comes first; SQLite refuses that
    # switch at once ("database is locked", without waiting) while others open
    # the file, which stopped a bot's second process at start. Several rounds:
    # before the fix, about a quarter of the rounds had a process refused.
    context = multiprocessing.get_context("fork")
    processes = 8
    for round_number in range(20):
        path = str(tmp_path / f"bot{round_number}.sqlite")
        start = context.Barrier(processes)
        results = context.Queue()
        children = [context.Process(target=_open_and_write, args=(path, start, results, who))
                    for who in range(processes)]
        for child in children:
            child.start()
        outcomes = [results.get(timeout=60) for _ in children]
        for child in children:
            child.join(timeout=60)
        assert outcomes == ["ok"] * processes, f"round {round_number}: {outcomes}"
        users = StateStore(path).all("SELECT count(*) FROM bot_users")
        assert users == [(processes,)]
