"""A master's tools beside the agenda: attendance marks that are slotcraft's (the reports count them) and
the calendar feed of the HTTP API, on the database or through the API (`--api`)."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from datetime import datetime, timezone

import icalendar
import pytest

import slotcraft as sc
from conftest import MODES, ApiServer, World, buttons

HAIRCUT = "Haircut, 30 min, 25 EUR"


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


@pytest.mark.parametrize("world", MODES, indirect=True)
def test_a_master_marks_who_came_and_subscribes_to_their_calendar(world: World) -> None:
    feeds = world.server or ApiServer(world.db, world.clock.path)  # the HTTP API the feed's address points to
    try:
        world.bot("--calendar-url", feeds.url)
        master, carl, dora = world.user("Anna"), world.user("Carl"), world.user("Dora")
        code = world.register_master(master)
        for client, at in ((carl, "10:00"), (dora, "11:00")):
            client.send(f"/start {code}")
            client.expect("welcome_client")
            world.book(client, HAIRCUT, "Sat 27.03", at)

        # Saturday 10:45 in Berlin (CET): Carl's haircut began, Dora's did not.
        master.send("/marks")
        master.expect("marks_none")
        world.clock.set(datetime(2027, 3, 27, 9, 45, tzinfo=timezone.utc))
        master.send("/marks")
        card = master.expect("attendance_card", when="Sat 27.03 10:00", client="Carl", mark="not marked")
        master.press(card, "✅ Came")
        world.api.wait(lambda: any(e["text"].endswith("Carl — came") for e in world.api.edits), 20, "the mark shown")
        carl.press_data({**card, "chat": {"id": carl.id, "type": "private"}}, buttons(card)[1][1])  # a forged mark
        carl.expect("not_master")  # refused by the table before any handler runs
        master.press(card, "❌ Did not come")  # changed
        world.api.wait(lambda: any(e["text"].endswith("Carl — did not come") for e in world.api.edits), 20, "changed")
        s = sc.Scheduler(world.db)
        marks = {s.client(b.client).name: b.attendance
                 for b in s.upcoming(f"m{master.id}", datetime(2027, 3, 27, tzinfo=timezone.utc), 1)}
        assert marks == {"Carl": sc.Attendance.no_show, "Dora": sc.Attendance.unmarked}
        assert master.count("attendance_card") == 1, "Dora's haircut has not begun: nothing to mark"
        # The card of a booking cancelled since: slotcraft refuses the mark, and the bot says the button is stale.
        carl_booking = next(b for b in s.upcoming(f"m{master.id}", datetime(2027, 3, 27, tzinfo=timezone.utc), 1)
                            if s.client(b.client).name == "Carl")
        s.cancel(carl_booking.id, "client asked")
        master.press(card, "✅ Came")
        master.expect("stale_button")
        assert s.booking(carl_booking.id).attendance == sc.Attendance.no_show

        # The feed: the API's calendar of the master, replaced by a new address, stopped by /feed off.
        master.send("/feed")
        first = master.match(master.expect("feed"), "feed")["url"]
        assert re.fullmatch(rf"{re.escape(feeds.url)}/v1/calendars/m{master.id}\.ics\?token=[\w-]+", first), first
        status, text = fetch(first)
        assert status == 200
        starts = sorted(e.decoded("dtstart") for e in icalendar.Calendar.from_ical(text).walk("VEVENT"))
        assert starts == [datetime(2027, 3, 27, 9, 0, tzinfo=timezone.utc), datetime(2027, 3, 27, 10, 0, tzinfo=timezone.utc)]
        master.send("/feed")
        second = master.match(master.expect("feed"), "feed")["url"]
        assert fetch(first)[0] == 404 and fetch(second)[0] == 200
        master.send("/feed off")
        master.expect("feed_off")
        assert fetch(second)[0] == 404
        master.send("/feed off")
        master.expect("feed_none")
        master.send("/feed please")
        master.expect("bad_feed")
        carl.send("/feed")
        carl.expect("not_master")
    finally:
        if feeds is not world.server:
            feeds.close()
