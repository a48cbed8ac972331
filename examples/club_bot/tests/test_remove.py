"""The admin takes things away: a teacher stops teaching a subject (/unteach),
a subject gets other seats (/seats), a subject is removed (/rmsubject), a
teacher is removed (/rmteacher). Each is checked in slotcraft itself
(`providers`, `services_of`, `slots`, the service's capacity), not only in the
bot's lists; bookings already made stay and are counted and listed. Only the
admin may do it, and garbage input gets a usage text."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import slotcraft as sc

from conftest import START, Club, buttons

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2027, 3, 29, tzinfo=BERLIN)


def day_slots(s: sc.Scheduler, service: str, **kw: object) -> list[sc.LocatedSlot]:
    return s.slots(service, MONDAY, MONDAY + timedelta(days=1), now=START, **kw)


def confirmed(s: sc.Scheduler, rid: str, service: str) -> list[sc.BookingRecord]:
    return [b for b in s.upcoming(rid, START, 30) if b.service == service and b.status == sc.BookingStatus.confirmed]


def test_unteach_seats_remove_subject_and_teacher(club: Club) -> None:
    club.bot()
    anna, boris = club.user("Anna"), club.user("Boris")
    yoga, chess, piano = club.add_subject("Yoga", 2), club.add_subject("Chess", 1), club.add_subject("Piano", 1)
    t_anna = club.add_teacher(anna)
    t_boris = club.add_teacher(boris, "mon-fri 15:00-17:00")
    club.teach(t_anna, yoga, chess, piano)
    club.teach(t_boris, yoga, chess)
    ann, ben, cid = club.user("Ann"), club.user("Ben"), club.user("Cid")
    club.book(ann, "Yoga", "Anna", "Mon 29.03", "10:00 (2 left)")
    club.book(ben, "Chess", "Anna", "Mon 29.03", "12:00")
    club.book(cid, "Piano", "Anna", "Tue 30.03", "11:00")
    # Ann asks something the FAQ cannot answer: it goes to Anna, the teacher of her booking.
    ann.send("Where can I leave my bike?")
    ann.expect("handed_over")
    anna.expect("new_conversation", name="Ann")
    s = sc.Scheduler(club.db)

    # Only the admin: a teacher and a client are refused, and slotcraft is unchanged.
    for command in (f"/unteach {t_anna} {yoga}", f"/seats {yoga} 5", f"/rmsubject {chess}", f"/rmteacher {t_boris}"):
        anna.send(command)
        anna.expect("not_allowed", role="teacher")
    cid.send(f"/rmteacher {t_anna}")
    cid.expect("not_allowed", role="client")
    assert s.providers(yoga) == [t_anna, t_boris] and s.providers(chess) == [t_anna, t_boris]
    assert s.service(yoga).rules.capacity == 2

    # Garbage gets the usage (or says what is wrong).
    for command, key in (("/unteach", "bad_unteach"), (f"/unteach {t_anna}", "bad_unteach"),
                         (f"/unteach t9 {yoga}", "bad_unteach"), (f"/unteach {t_anna} yoga", "bad_unteach"),
                         (f"/seats {yoga}", "bad_seats"), (f"/seats {yoga} lots", "bad_seats"),
                         (f"/seats {yoga} 0", "bad_seats"), ("/seats s9 3", "bad_seats"),
                         ("/rmsubject", "bad_rmsubject"), ("/rmsubject s9", "bad_rmsubject"),
                         ("/rmteacher", "bad_rmteacher"), ("/rmteacher Anna", "bad_rmteacher")):
        club.admin.send(command)
        club.admin.expect(key)
    club.admin.send(f"/unteach {t_boris} {piano}")
    club.admin.expect("not_taught", teacher="Boris", subjects="Piano")

    # Anna stops teaching Yoga while Dan is confirming a time with her: slotcraft offers Yoga only with
    # Boris, Dan's held time is released, Ann's booking with Anna stays.
    assert {t_anna, t_boris} == {r for x in day_slots(s, yoga) for r in x.resources}
    dan = club.user("Dan")
    dan.send("/book")
    dan.press(dan.expect("pick_subject"), "Yoga")
    dan.press(dan.expect("pick_teacher"), "Anna")
    dan.press(dan.expect("pick_day"), "Mon 29.03")
    dan.press(dan.expect("pick_time"), "11:00 (2 left)")
    deciding = dan.expect("confirm_booking", teacher="Anna")
    club.admin.send(f"/unteach {t_anna} {yoga}")
    club.admin.expect("unlinked", teacher="Anna", subjects="Yoga", future=1)
    dan.press_key(deciding, "btn_confirm")
    dan.expect("slot_gone")  # slotcraft's confirm refuses the unlinked pair; the bot releases the hold
    assert not [b for b in s.upcoming(t_anna, START, 30) if b.status == sc.BookingStatus.held]
    assert s.providers(yoga) == [t_boris]
    assert s.services_of(t_anna) == [chess, piano]
    left = day_slots(s, yoga)
    assert left and all(x.resources == [t_boris] for x in left), left
    with pytest.raises(sc.InvalidArgument):
        day_slots(s, yoga, resources=[t_anna])
    assert len(confirmed(s, t_anna, yoga)) == 1
    cid.send("/book")
    cid.press(cid.expect("pick_subject"), "Yoga")
    assert [t for t, _ in buttons(cid.expect("pick_teacher"))] == ["Boris", "Any teacher"]

    # Yoga gets three seats, in slotcraft too: clients see them.
    club.admin.send(f"/seats {yoga} 3")
    club.admin.expect("seats_set", subject="Yoga", seats=3)
    assert s.service(yoga).rules.capacity == 3
    assert {x.seats_left for x in day_slots(s, yoga)} == {3}
    assert club.times(cid, "Yoga", "Boris", "Mon 29.03") == ["15:00 (3 left)", "16:00 (3 left)"]

    # Chess is removed: nobody teaches it, slotcraft offers no time for it, clients no longer see it;
    # Ben's booking stays and is listed.
    club.admin.send(f"/rmsubject {chess}")  # "are you sure?": no, then yes
    club.admin.press_key(club.admin.expect("sure_rmsubject", subject="Chess", future=1), "btn_keep_it")
    club.admin.expect("kept_as_is")
    assert chess in s.services_of(t_anna)
    club.admin.send(f"/rmsubject {chess}")
    sure = club.admin.expect("sure_rmsubject", subject="Chess", future=1)
    anna.press_data(anna.messages()[-1], f"rm:s:{chess}")  # a teacher cannot answer it
    anna.expect("not_allowed")
    assert chess in s.services_of(t_anna)
    club.admin.press_key(sure, "btn_yes_remove")
    removed = club.admin.expect("subject_removed", subject="Chess", future=1)
    assert "Mon 29.03 12:00 | Anna | Chess | Ben" in removed["text"], removed["text"]
    assert s.providers(chess) == [] and day_slots(s, chess) == []
    assert s.services_of(t_boris) == [yoga]
    assert len(confirmed(s, t_anna, chess)) == 1
    cid.send("/book")
    subjects = cid.expect("pick_subject")
    assert [t for t, _ in buttons(subjects)] == ["Yoga", "Piano"]
    cid.press_data(subjects, f"bk:s:{chess}")
    cid.expect("stale_button")
    club.admin.send(f"/teach {t_boris} {chess}")
    club.admin.expect("bad_teach")
    # A new subject gets a new id, not the removed one's.
    assert club.add_subject("Drums", 1) == "s4"

    # Anna is removed: she teaches nothing in slotcraft, is a client now, her conversation goes to the
    # shared queue, and her three bookings still to come stay (counted, listed, in the day table).
    club.admin.send(f"/rmteacher {t_anna}")
    sure = club.admin.expect("sure_rmteacher", teacher="Anna", future=3)
    club.admin.press_key(sure, "btn_yes_remove")
    gone = club.admin.expect("teacher_removed", teacher="Anna", future=3, convs=1)
    club.admin.press_key(sure, "btn_yes_remove")  # a second tap: removed already
    club.admin.expect("stale_button")
    for line in ("Mon 29.03 10:00 | Anna | Yoga | Ann", "Mon 29.03 12:00 | Anna | Chess | Ben",
                 "Tue 30.03 11:00 | Anna | Piano | Cid"):
        assert line in gone["text"], gone["text"]
    assert s.services_of(t_anna) == [] and s.providers(piano) == []
    assert s.upcoming(t_anna, START, 30) and all(b.status == sc.BookingStatus.confirmed for b in s.upcoming(t_anna, START, 30))
    anna.send("/poll")
    anna.expect("not_allowed", role="client")
    club.admin.send("/queue")
    club.admin.expect("queue_item", name="Ann")
    club.admin.send("/teachers")
    teachers = club.admin.expect("teachers")
    assert "Boris" in teachers["text"] and "Anna" not in teachers["text"], teachers["text"]
    club.admin.send("/day 2027-03-29")
    table = club.admin.expect("day_table", day="Mon 29.03")
    assert "10:00 | Anna | Yoga | 1/3 | Ann" in table["text"] and "12:00 | Anna | Chess | 1/1 | Ben" in table["text"]
    for command, key in ((f"/rmteacher {t_anna}", "bad_rmteacher"), (f"/teach {t_anna} {yoga}", "bad_teach"),
                         (f"/hours {t_anna} mon 10:00-12:00", "bad_hours_cmd")):
        club.admin.send(command)
        club.admin.expect(key)

    # In Russian too.
    club.admin.send("/lang ru")
    club.admin.lang = "ru"
    club.admin.expect("lang_set")
    club.admin.send(f"/seats {yoga} 4")
    club.admin.expect("seats_set", subject="Yoga", seats=4)
    club.admin.send(f"/unteach {t_boris}")
    club.admin.expect("bad_unteach")
    assert s.service(yoga).rules.capacity == 4
