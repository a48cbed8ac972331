"""Defects testers found in the club bot (issue 19), each pinned end to end:
a lesson that has begun cannot be cancelled, and the cut-off is the club's
setting; the confirm card loses its buttons once booked; a subject name is
not taken twice; /person without text asks for it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import slotcraft as sc
from conftest import START, Club, ClubUser, buttons


def anna_teaches_yoga(club: Club) -> tuple[ClubUser, ClubUser, str]:
    """A running bot; Anna teaches Yoga (2 seats); Ann, a client. Anna, Ann and Anna's teacher id."""
    club.bot()
    anna, ann = club.user("Anna"), club.user("Ann")
    yoga = club.add_subject("Yoga", 2)
    t_anna = club.add_teacher(anna)
    club.teach(t_anna, yoga)
    return anna, ann, t_anna


def ann_picks_yoga_with_anna(ann: ClubUser) -> None:
    """Ann starts booking and picks Yoga and Anna; the days are shown next."""
    ann.send("/book")
    ann.press(ann.expect("pick_subject"), "Yoga")
    ann.press(ann.expect("pick_teacher"), "Anna")


def test_a_client_cannot_cancel_a_lesson_once_it_began_or_inside_the_cut_off(club: Club) -> None:
    anna, ann, _ = anna_teaches_yoga(club)
    # Saturday 27 March 12:00 UTC is 13:00 in Berlin: Monday 10:00 and 11:00 are two days away.
    club.book(ann, "Yoga", "Anna", "Mon 29.03", "10:00 (2 left)")
    club.book(ann, "Yoga", "Anna", "Mon 29.03", "11:00 (2 left)")
    ann.send("/my")
    ten = ann.expect("my_booking", when="Mon 29.03 10:00")
    ann.expect("my_booking", when="Mon 29.03 11:00")

    # The lesson at 10:00 began (08:00 UTC + 15 min): the old /my card's button cancels nothing.
    club.set_clock(datetime(2027, 3, 29, 8, 15, tzinfo=timezone.utc))
    ann.press(ten, buttons(ten)[0][0])
    ann.expect("too_late_to_cancel", when="Mon 29.03 10:00", minutes=0)
    ann.send("/my")
    begun = ann.expect("my_booking_fixed", when="Mon 29.03 10:00")
    assert "reply_markup" not in begun  # listed without a cancel button

    # The club sets a cut-off of 90 minutes: at 10:15 the 11:00 lesson is inside it; with 30 it is not.
    club.admin.send("/settings cancel 90")
    club.admin.expect("settings", cancel=90)
    club.admin.send("/settings cancel soon")
    club.admin.expect("bad_cancel_cutoff")
    ann.send("/my")
    eleven = ann.expect("my_booking_fixed", when="Mon 29.03 11:00")
    assert "reply_markup" not in eleven
    club.admin.send("/settings cancel 30")
    club.admin.expect("settings", cancel=30)
    ann.send("/my")
    eleven = ann.expect("my_booking", when="Mon 29.03 11:00")
    ann.press(eleven, buttons(eleven)[0][0])
    sure = ann.expect("sure_cancel", when="Mon 29.03 11:00")
    ann.press_key(sure, "btn_keep_booking")  # "No" changes nothing
    ann.expect("kept_booking")
    ann.press_key(sure, "btn_yes_cancel")
    ann.expect("booking_cancelled", when="Mon 29.03 11:00")
    anna.expect("teacher_cancelled", client="Ann", when="Mon 29.03 11:00")


def test_the_confirm_card_loses_its_buttons_once_booked(club: Club) -> None:
    anna, ann, _ = anna_teaches_yoga(club)
    ann_picks_yoga_with_anna(ann)
    ann.press(ann.expect("pick_day"), "Mon 29.03")
    ann.press(ann.expect("pick_time"), "10:00 (2 left)")
    card = ann.expect("confirm_booking")
    ann.press_key(card, "btn_confirm")
    ann.expect("booked", when="Mon 29.03 10:00")
    assert "reply_markup" not in card and ann.match(card, "confirm_done") == {"subject": "Yoga",
                                                                              "when": "Mon 29.03 10:00"}


def test_a_subject_name_is_not_taken_twice(club: Club) -> None:
    club.bot()
    club.add_subject("Yoga", 2)
    club.admin.send("/subject yoga; seats 4")
    club.admin.expect("subject_exists", name="yoga")
    club.admin.send("/subjects")
    assert club.admin.expect("subjects")["text"].lower().count("yoga") == 1


def test_person_without_text_asks_what_to_hand_over(club: Club) -> None:
    club.bot()
    ann = club.user("Ann")
    ann.send("/start")
    ann.send("/person")
    ann.expect("ask_person")
    ann.send("Can I pay by card?")
    ann.expect("handed_over")
    club.admin.send("/queue")
    club.admin.expect("queue_item", name="Ann", text="Can I pay by card?")


def test_a_lost_teacher_invitation_is_shown_again_until_they_join(club: Club) -> None:
    club.bot()
    club.admin.send("/teacher Carl; mon 10:00-11:00")
    first = club.admin.match(club.admin.expect("teacher_added", name="Carl"), "teacher_added")
    club.admin.send(f"/invite {first['id']}")
    assert club.admin.match(club.admin.expect("teacher_invite", name="Carl"), "teacher_invite")["link"] == first["link"]
    carl = club.user("Carl")
    carl.send("/start " + first["link"].rsplit("=", 1)[1])
    carl.expect("welcome_teacher", name="Carl")
    club.admin.send(f"/invite {first['id']}")
    club.admin.expect("teacher_joined_already", name="Carl")
    club.admin.send("/invite t99")
    club.admin.expect("bad_invite_teacher")


def test_a_usage_error_says_the_usage_without_the_whole_admin_menu(club: Club) -> None:
    club.bot()
    club.admin.send("/subject")
    club.admin.expect("bad_subject")
    club.admin.expect("see_help")
    assert club.admin.count("menu_admin") == 0


def test_i_cannot_that_day_is_answered(club: Club) -> None:
    club.bot()
    anna = club.user("Anna")
    club.add_teacher(anna)
    anna.send("/poll")
    poll = anna.expect("poll")
    anna.press_key(poll, "btn_day_off")
    anna.expect("poll_day_off")


def bob_asks_annas_question(club: Club) -> tuple[ClubUser, ClubUser]:
    """A running bot with escalation after 20 minutes; Anna teaches Piano, Bob booked her lesson and has
    just asked a question, which is Anna's to answer. Anna and Bob."""
    club.bot()
    anna = club.user("Anna")
    sid = club.add_subject("Piano", 1)
    club.teach(club.add_teacher(anna), sid)
    bob = club.user("Bob")
    club.book(bob, "Piano", "Anna", "Mon 29.03", "10:00")
    club.admin.send("/settings escalate 20")
    club.admin.expect("settings", escalate=20)
    bob.send("Can I move my lesson?")
    bob.expect("handed_over")
    return anna, bob


def the_admins_are_told_once_and_one_takes_it(club: Club) -> None:
    """Past the 20 minutes the admins are told of Bob's question, once however long it waits, and the
    admin takes it from that message."""
    club.set_clock(START + timedelta(minutes=21))
    club.wait_poll_pass(START + timedelta(minutes=21))
    waiting = club.admin.expect("conversation_waiting", name="Bob", teacher="Anna", minutes=20,
                                text="Can I move my lesson?")
    club.set_clock(START + timedelta(minutes=40))
    club.wait_poll_pass(START + timedelta(minutes=40))
    assert club.admin.count("conversation_waiting") == 1
    club.admin.press_key(waiting, "btn_take")
    club.admin.expect("conversation", name="Bob")


def test_a_teachers_client_waiting_too_long_is_shown_to_the_admins_once(club: Club) -> None:
    anna, bob = bob_asks_annas_question(club)
    anna.expect("new_conversation", name="Bob")
    club.set_clock(START + timedelta(minutes=19))
    club.wait_poll_pass(START + timedelta(minutes=19))
    assert club.admin.count("conversation_waiting") == 0
    the_admins_are_told_once_and_one_takes_it(club)
    club.admin.send("Yes: Tuesday 10:00 is free.")
    bob.expect("operator_says", text="Yes: Tuesday 10:00 is free.")


def test_a_conversation_a_teacher_took_and_never_answered_is_shown_to_the_admins_who_can_take_it_over(
        club: Club) -> None:
    anna, bob = bob_asks_annas_question(club)
    anna.press_key(anna.expect("new_conversation", name="Bob"), "btn_take")
    anna.expect("conversation", name="Bob")
    # Anna took it and wrote nothing: after the wait the admins are told, once.
    the_admins_are_told_once_and_one_takes_it(club)
    anna.expect("taken_over", by=club.admin.name, name="Bob")
    club.admin.send("Yes: Tuesday 10:00 is free.")
    bob.expect("operator_says", text="Yes: Tuesday 10:00 is free.")
    # Anna's late reply reaches nobody; Bob's next message reaches the admin.
    anna.send("Sorry, I was busy.")
    anna.expect("stale_button")
    assert bob.count("operator_says", text="Sorry, I was busy.") == 0
    bob.send("Thank you!")
    club.admin.expect("client_says", text="Thank you!")


def test_an_answered_conversation_is_not_shown_to_the_admins(club: Club) -> None:
    anna, bob = bob_asks_annas_question(club)
    anna.press_key(anna.expect("new_conversation", name="Bob"), "btn_take")
    anna.send("Which day suits you?")
    bob.expect("operator_says", text="Which day suits you?")
    club.set_clock(START + timedelta(minutes=21))
    club.wait_poll_pass(START + timedelta(minutes=21))
    assert club.admin.count("conversation_waiting") == 0


def test_thanks_after_the_operator_closes_opens_no_new_question(club: Club) -> None:
    club.bot()
    ann = club.user("Ann")
    ann.send("/start")
    ann.send("Do you have parking?")
    ann.expect("handed_over")
    club.admin.send("/queue")
    club.admin.press_key(club.admin.expect("queue_item", name="Ann"), "btn_take")
    closing = club.admin.expect("conversation", name="Ann")
    club.admin.send("Yes, behind the house.")
    club.admin.press_key(closing, "btn_close")
    ann.expect("conv_closed")
    ann.send("ok thanks")
    ann.expect("after_close")
    club.admin.send("/queue")
    club.admin.expect("queue_empty")
    # Later, a message is a question again.
    club.set_clock(START + timedelta(minutes=20))
    ann.send("And is it free?")
    ann.expect("handed_over")


def test_plan_says_usual_hours_each_time_lists_a_group_conflict_once_and_no_noise(club: Club) -> None:
    bot = club.bot()
    anna, boris = club.user("Anna"), club.user("Boris")
    yoga, chess = club.add_subject("Yoga", 3), club.add_subject("Chess", 1)
    t_anna = club.add_teacher(anna)  # every day 10:00-14:00
    t_boris = club.add_teacher(boris, "mon 10:00-12:00")  # Boris works on Mondays only
    club.teach(t_anna, yoga)
    club.teach(t_boris, chess)
    for client in (club.user("Ann"), club.user("Ben")):
        club.book(client, "Yoga", "Anna", "Mon 29.03", "11:00 (3 left)" if client.name == "Ann" else "11:00 (2 left)")
    club.set_clock(datetime(2027, 3, 27, 17, 0, tzinfo=timezone.utc))
    monday = anna.expect("poll", day="Mon 29.03")
    anna.press(monday, "▫️ 10:00")  # not 11:00, where two clients are booked
    bot.wait_log(r"poll answer resource=t1 day=2027-03-29 slots=10:00\n")
    for _ in range(2):  # planned twice: the kept usual hours are still no answer
        club.admin.send("/plan 2")
        plan = club.admin.match(club.admin.expect("plan"), "plan")
        assert plan["plan"] == (
            "Sun 28.03:\n  Anna: 10:00 11:00 12:00 13:00 (usual hours, no answer)\n"
            "Mon 29.03:\n  Anna: 10:00 (answered)\n  Boris: 10:00 11:00 (usual hours, no answer)"), plan["plan"]
        # One line for the group session at 11:00 (two clients), none for Chess on Sunday (Boris never works then).
        assert plan["conflicts"] == "  Anna is not available at Mon 29.03 11:00, but Yoga is booked then", plan["conflicts"]


def test_unticking_a_booked_time_asks_first_and_the_client_is_told(club: Club) -> None:
    bot = club.bot()
    anna, ann = club.user("Anna"), club.user("Ann")
    yoga = club.add_subject("Yoga", 3)
    club.teach(club.add_teacher(anna), yoga)
    club.set_clock(datetime(2027, 3, 27, 17, 0, tzinfo=timezone.utc))
    monday = anna.expect("poll", day="Mon 29.03")
    anna.press(monday, "▫️ 10:00")
    anna.press(monday, "▫️ 11:00")
    bot.wait_log(r"poll answer resource=t1 day=2027-03-29 slots=10:00,11:00\n")
    club.book(ann, "Yoga", "Anna", "Mon 29.03", "11:00 (3 left)")
    anna.press(monday, "✅ 11:00")
    ask = anna.expect("poll_booked", day="Mon 29.03", count=1, times="11:00")
    assert club.times(club.user("Ben"), "Yoga", "Anna", "Mon 29.03") == ["10:00 (3 left)", "11:00 (2 left)"]
    assert ann.count("lesson_cancelled_by_teacher") == 0  # nothing changed yet
    anna.press_key(ask, "btn_untick_anyway")
    ann.expect("lesson_cancelled_by_teacher", teacher="Anna", subject="Yoga", when="Mon 29.03 11:00")
    bot.wait_log(r"poll answer resource=t1 day=2027-03-29 slots=10:00\n")
    ann.send("/my")
    ann.expect("no_bookings")


def test_an_older_confirm_card_does_not_book_the_time_held_since(club: Club) -> None:
    anna, ann, t_anna = anna_teaches_yoga(club)
    ann_picks_yoga_with_anna(ann)
    ann.press(ann.expect("pick_day"), "Mon 29.03")
    times = ann.expect("pick_time")
    ann.press(times, "10:00 (2 left)")
    ten = ann.expect("confirm_booking", when="Mon 29.03 10:00")
    ann.press(times, "11:00 (2 left)")  # she changes her mind: 10:00 is released, 11:00 held
    eleven = ann.expect("confirm_booking", when="Mon 29.03 11:00")
    ann.press_key(ten, "btn_confirm")  # the card that says 10:00 books neither time
    ann.expect("stale_card")
    ann.press_key(ten, "btn_abort")  # nor lets 11:00 go
    ann.expect("stale_card")
    assert ann.count("booked") == 0
    ann.press_key(eleven, "btn_confirm")
    ann.expect("booked", when="Mon 29.03 11:00")
    s = sc.Scheduler(club.db)
    assert [(b.start, b.status) for b in s.upcoming(t_anna, START, 7) if b.client] == [
        (datetime(2027, 3, 29, 9, 0, tzinfo=timezone.utc), sc.BookingStatus.confirmed)]


def test_cancel_with_nothing_in_progress_does_not_say_cancelled(club: Club) -> None:
    anna, ann, t_anna = anna_teaches_yoga(club)
    club.book(ann, "Yoga", "Anna", "Mon 29.03", "10:00 (2 left)")
    ann.send("/cancel")  # she means her lesson: "Cancelled." told her it was, and it was not
    ann.expect("nothing_to_stop")
    assert ann.count("dialog_cancelled") == 0
    assert [b.status for b in sc.Scheduler(club.db).upcoming(t_anna, START, 7) if b.client] == [
        sc.BookingStatus.confirmed]


def test_a_day_or_a_time_typed_instead_of_pressed_is_no_question_for_support(club: Club) -> None:
    anna, ann, _ = anna_teaches_yoga(club)
    ann_picks_yoga_with_anna(ann)
    ann.expect("pick_day")
    ann.send("monday")  # Saturday today: Monday 29.03, as its button
    ann.expect("pick_time", day="Mon 29.03")
    ann.send("9:00")  # before Anna's hours
    ann.expect("typed_time_not_offered", time="09:00")
    ann.send("11")
    ann.press_key(ann.expect("confirm_booking", when="Mon 29.03 11:00"), "btn_confirm")
    ann.expect("booked", when="Mon 29.03 11:00")
    assert ann.count("handed_over") == 0 and club.admin.count("new_conversation") == 0
