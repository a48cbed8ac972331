"""Support hand-off: a question the FAQ knows is answered with "this helped" /
"talk to a person"; one it does not know goes to an operator's queue (or to
the teacher the client belongs to); the operator takes it, replies (the reply
reaches the client's chat) and closes it; /stats counts all of it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import sqlite3
import sys

from conftest import START, Club, buttons, e2e
from fake_telegram import free_port
from club_bot.i18n import CLUB

sys.path.insert(0, str(e2e.BOTKIT / "tests"))
import fake_whatsapp  # noqa: E402
from messenger_users import WhatsAppClient  # noqa: E402


def test_faq_answer_hand_off_operator_reply_and_stats(club: Club) -> None:
    club.bot()
    admin = club.admin
    admin.send("/faq How do I cancel a booking? | Open /my and press \"Cancel this booking\".")
    admin.expect("faq_added")
    admin.send("/faq Where is the club? | Main street 5, second floor.")
    admin.expect("faq_added")
    admin.send("/faq no separator")
    admin.expect("bad_faq")

    # A known question, in other words: answered; "this helped".
    ann = club.user("Ann")
    ann.send("how can I cancel my booking")
    answer = ann.expect("faq_answer")
    assert answer["text"] == 'Open /my and press "Cancel this booking".'
    ann.press_key(answer, "btn_helped")
    ann.expect("glad_it_helped")
    assert admin.count("new_conversation") == 0

    # Unknown: handed over at once; the admin (operator) takes it and replies.
    ann.send("Do you have parking for bicycles?")
    ann.expect("handed_over")
    new = admin.expect("new_conversation", name="Ann", text="Do you have parking for bicycles?")
    ann.send("It is a cargo bike.")
    ann.expect("added_to_conversation")
    club.set_clock(START + timedelta(minutes=4))
    admin.press_key(new, "btn_take")
    conv = admin.expect("conversation", name="Ann")
    assert "> Do you have parking for bicycles?\n> It is a cargo bike." in conv["text"]
    admin.send("Yes, in the yard.")
    admin.expect("delivered")
    ann.expect("operator_says", name="Admin", text="Yes, in the yard.")
    # The client's next message reaches the operator who took the conversation.
    ann.send("Thanks!")
    admin.expect("client_says", name="Ann", text="Thanks!")
    admin.press_key(conv, "btn_close")
    admin.expect("closed")
    ann.expect("conv_closed")

    # An FAQ answer that is not enough: "talk to a person" opens a conversation with the question.
    ann.send("where is the club located?")
    answer = ann.expect("faq_answer", answer="Main street 5, second floor.")
    ann.press_key(answer, "btn_person")
    ann.expect("handed_over")
    admin.expect("new_conversation", name="Ann", text="where is the club located?")
    ann.press_key(answer, "btn_person")  # pressed twice: the second is stale
    ann.expect("stale_button")

    # /queue: a second operator cannot take what another took; the queue lists what is open.
    admin.send("/queue")
    item = admin.expect("queue_item", name="Ann", text="where is the club located?")
    admin.press_key(item, "btn_take")
    admin.expect("conversation", name="Ann")
    admin.send("/queue")
    admin.expect("queue_empty")

    # Statistics: 2 FAQ answers (1 helped, 1 handed on), 2 conversations, first reply after 4 minutes.
    admin.send("/stats")
    stats = admin.match(admin.expect("stats"), "stats")
    assert (stats["faq"], stats["helped"], stats["handed"], stats["after_faq"], stats["open"]) == ("2", "1", "2", "1", "1")
    assert stats["wait"] == "4.0"
    assert re.search(r"Admin: taken 2, closed 1, first reply after 4\.0 min", stats["operators"]), stats["operators"]


def test_client_of_a_teacher_is_handed_to_that_teacher(club: Club) -> None:
    club.bot()
    anna = club.user("Anna")
    sid = club.add_subject("Piano", 1)
    rid = club.add_teacher(anna)
    club.teach(rid, sid)
    bob = club.user("Bob", "ru")
    club.book(bob, "Piano", "Anna", "Пн 29.03", "10:00")
    bob.send("Можно ли перенести занятие?")
    bob.expect("handed_over")
    new = anna.expect("new_conversation", name="Bob")
    assert club.admin.count("new_conversation") == 0, "a teacher's own client went to the shared queue"
    # The admins see every queue, the teacher's too; the teacher takes it first, then it is taken.
    club.admin.send("/queue")
    waiting = club.admin.expect("queue_item", name="Bob", text="Можно ли перенести занятие?")
    anna.press_key(new, "btn_take")
    anna.expect("conversation", name="Bob")
    anna.send("Да, напишите, на когда.")
    bob.expect("operator_says", name="Anna", text="Да, напишите, на когда.")
    club.admin.press_key(waiting, "btn_take")
    club.admin.expect("already_taken")


def test_faq_is_managed_by_the_admin_only(club: Club) -> None:
    club.bot()
    admin, ann = club.admin, club.user("Ann", "ru")
    admin.send("/faqs")
    admin.expect("faq_empty")
    admin.send("/faq Сколько стоит занятие? | 20 евро.")
    admin.expect("faq_added")
    ann.send("сколько стоят занятия")
    ann.expect("faq_answer", answer="20 евро.")
    ann.send("/faq Hack? | yes")
    ann.expect("not_allowed", role="клиент")
    admin.send("/faqs")
    item = admin.expect("faq_item", question="Сколько стоит занятие?", answer="20 евро.")
    ann.press_data(ann.messages()[-1], buttons(item)[0][1])  # the admin's button, forged by a client
    ann.expect("not_allowed", role="клиент")
    admin.press_key(item, "btn_remove")
    admin.expect("faq_removed")
    ann.send("сколько стоят занятия")
    ann.expect("handed_over")


@contextmanager
def on_whatsapp(club: Club) -> Iterator[Callable[[str], WhatsAppClient]]:
    """The club bot serving WhatsApp (a fake Cloud API) beside Telegram; yields a maker of WhatsApp users."""
    whatsapp = fake_whatsapp.FakeWhatsApp()
    port = free_port()
    try:
        bot = club.bot("--whatsapp", "--whatsapp-phone-id", fake_whatsapp.PHONE_ID, "--whatsapp-listen", f"127.0.0.1:{port}",
                       "--whatsapp-api", whatsapp.url,
                       env={"WHATSAPP_TOKEN": fake_whatsapp.TOKEN, "WHATSAPP_APP_SECRET": fake_whatsapp.APP_SECRET,
                            "WHATSAPP_VERIFY_TOKEN": fake_whatsapp.VERIFY_TOKEN})
        bot.wait_log("club_bot started")  # its webhook listens
        yield lambda name: WhatsAppClient(whatsapp, f"http://127.0.0.1:{port}/", "491701234567", name,
                                          lambda lang, key, **fixed: e2e.template_regex(lang, key, CLUB, **fixed))
    finally:
        whatsapp.close()


def test_a_client_on_whatsapp_is_answered_on_whatsapp(club: Club) -> None:
    with on_whatsapp(club) as whatsapp_user:
        club.admin.send("/faq Where is the club? | Main street 5.")  # the admin has written: the bot knows the chat
        club.admin.expect("faq_added")
        mia = whatsapp_user("Mia")
        mia.send("Do you have parking for bicycles?")
        mia.expect("handed_over")
        new = club.admin.expect("new_conversation", name="Mia", text="Do you have parking for bicycles?")
        club.admin.press_key(new, "btn_take")
        club.admin.expect("conversation", name="Mia")
        club.admin.send("Yes, in the yard.")
        club.admin.expect("delivered")
        mia.expect("operator_says", name="Admin", text="Yes, in the yard.")
        assert all(m["chat"]["id"] == club.admin.id for m in club.api.sent)  # nothing for her went to Telegram
        with sqlite3.connect(club.db) as db:  # the conversation knows where she wrote from
            assert db.execute("SELECT messenger, chat_id FROM club_convs").fetchall() == [
                ("whatsapp", "wa:491701234567")]
        db.close()


def test_a_client_connects_their_whatsapp_and_finds_their_lesson_there(club: Club) -> None:
    with on_whatsapp(club) as whatsapp_user:
        anna, ann = club.user("Anna"), club.user("Ann")
        yoga = club.add_subject("Yoga", 3)
        club.teach(club.add_teacher(anna), yoga)
        club.book(ann, "Yoga", "Anna", "Mon 29.03", "10:00 (3 left)")
        ann.send("/connect")
        code = re.search(r"/connect (\d{8})", ann.expect("connect_code", minutes=15)["text"]).group(1)
        mia = whatsapp_user("Ann")
        mia.send(f"/connect {code}")
        mia.expect("connect_done")
        ann.expect("connect_done")
        mia.send("/my")
        mia.expect("my_booking", subject="Yoga", teacher="Anna", when="Mon 29.03 10:00")
        mia.send(f"/connect {code}")  # once only
        mia.expect("connect_bad")
        with sqlite3.connect(club.db) as db:
            assert len({row[0] for row in db.execute("SELECT client_id FROM bot_users WHERE client_id != ''")}) == 1
        db.close()
