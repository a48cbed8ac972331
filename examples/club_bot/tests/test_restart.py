"""A crash in the middle of dialogs loses nothing: the dialog state, the
conversation an operator has taken and the polls already sent are in the
database (the booking bot's `bot_*` tables and the club's `club_*` ones)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from conftest import Club


def test_crash_mid_dialog(club: Club) -> None:
    bot = club.bot()
    anna = club.user("Anna")
    sid = club.add_subject("Chess", 1)
    club.teach(club.add_teacher(anna), sid)
    club.set_clock(datetime(2027, 3, 27, 17, 0, tzinfo=timezone.utc))
    anna.expect("poll", day="Sun 28.03")
    anna.expect("poll", day="Mon 29.03")

    # A client at the confirm step, an operator in the middle of a conversation.
    bob = club.user("Bob")
    bob.send("/book")
    bob.press(bob.expect("pick_subject"), "Chess")
    bob.press(bob.expect("pick_teacher"), "Anna")
    bob.press(bob.expect("pick_day"), "Sun 28.03")
    bob.press(bob.expect("pick_time"), "10:00")
    confirm = bob.expect("confirm_booking")
    cid = club.user("Cid")
    cid.send("Is there a discount for students?")
    club.admin.press_key(club.admin.expect("new_conversation", name="Cid"), "btn_take")
    club.admin.expect("conversation", name="Cid")

    bot.kill()
    bot = club.bot()
    bob.press_key(confirm, "btn_confirm")
    bob.expect("booked", subject="Chess", teacher="Anna", when="Sun 28.03 10:00")
    club.admin.send("Yes, 20 %.")
    cid.expect("operator_says", name="Admin", text="Yes, 20 %.")
    # The poll is not sent again the same day.
    club.set_clock(datetime(2027, 3, 27, 17, 5, tzinfo=timezone.utc))
    club.wait_poll_pass(datetime(2027, 3, 27, 17, 5, tzinfo=timezone.utc))
    assert len([m for m in anna.messages() if re.match(r"Which slots can you take on", m["text"])]) == 2
