"""The teachers' daily poll.

The poll asks about slotcraft's own grid (`Scheduler.day_grid` of the
teacher's usual hours), so the poll, the listing and booking share one grid;
the bot only shows its instants in local time and writes the ticked ones back
as that date's override. Buttons and answers carry instants (UTC), never wall
times: on the day the clocks go back a wall time happens twice."""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import date, datetime, timedelta

import slotcraft as sc

from botkit.core import Button, btn
from botkit.handlers import Router

from ..club import LOCATION, parse_ymd, ymd
from ..roles import TEACHER

log = logging.getLogger("club_bot")

router = Router("poll")


class Poll:
    """The poll handlers, mixed into the bot (bot.py): `self` is the ClubBot."""

    def poll_service(self) -> sc.Service:
        """What a poll slot is: one slot length, on a grid of the slot length (as every subject's)."""
        step = self.slot_length()
        return sc.Service("poll", step, step=step)

    def usual_grid(self, rid: str, day: date) -> list[datetime]:
        """The starts the poll offers for local date `day`: the teacher's weekly hours minus breaks (the date's
        override ignored), as slotcraft lays them (an overnight range belongs to the date it starts on)."""
        if self.s.resource(rid) is None:
            return []
        return self.s.day_grid(rid, day, self.poll_service(), location=LOCATION, usual_hours=True)

    def clock_labels(self, instants: list[datetime]) -> list[str]:
        """Each instant's local HH:MM; a wall time that occurs twice among them (the hour the clocks go back)
        also names its zone abbreviation, so the two can be told apart."""
        local = [t.astimezone(self.zone) for t in instants]
        seen = Counter(x.strftime("%H:%M") for x in local)
        return [x.strftime("%H:%M %Z") if seen[x.strftime("%H:%M")] > 1 else x.strftime("%H:%M") for x in local]

    def answer_starts(self, rid: str, day: date, grid: list[datetime]) -> list[datetime] | None:
        """The teacher's answer for `day` (None: not answered), as instants. Answers stored before they were
        instants are local HH:MM: each is read as the starts of `grid` shown with that time."""
        stored = self.store.answer(rid, day.isoformat())
        if stored is None:
            return None
        labels = [t.astimezone(self.zone).strftime("%H:%M") for t in grid]
        out: set[datetime] = set()
        for item in stored:
            if re.fullmatch(r"\d\d:\d\d", item):
                out.update(t for t, label in zip(grid, labels) if label == item)
            else:
                out.add(sc.parse_instant(item))
        return sorted(out)

    def poll_keyboard(self, rid: str, day: date) -> list[list[Button]]:
        grid = self.usual_grid(rid, day)
        ticked = set(self.answer_starts(rid, day, grid) or [])
        flat = [btn("poll_on" if t in ticked else "poll_off", f"pl:{ymd(day)}:{int(t.timestamp())}", time=label)
                for t, label in zip(grid, self.clock_labels(grid))]
        rows = [flat[i: i + 4] for i in range(0, len(flat), 4)]
        rows.append([btn("btn_day_off", f"pl:{ymd(day)}:off")])
        return rows

    def send_poll(self, rid: str, days: list[date]) -> None:
        user = self.store.user(self.store.teacher_user(rid))
        if user is None:
            return
        for day in days:
            if self.usual_grid(rid, day):
                self.say(user, "poll", self.poll_keyboard(rid, day), day=self.day_label(user, day))
        log.info("poll sent resource=%s days=%s", rid, ",".join(d.isoformat() for d in days))

    def poll_pass(self) -> int:
        """Sends today's poll to each teacher once it is `poll_at` local time (safe in many processes)."""
        now = self.now()
        local = now.astimezone(self.zone)
        if local.time() < self.poll_at:
            return 0
        sent = 0
        for rid, _, uid in self.store.teachers():
            if uid and self.store.claim_poll(rid, local.date().isoformat(), now.isoformat()):
                self.send_poll(rid, [local.date() + timedelta(days=1), local.date() + timedelta(days=2)])
                sent += 1
        return sent

    @router.command("poll", roles=(TEACHER,))
    def cmd_poll(self, user: dict, arg: str) -> None:
        rid = self.store.teacher_of_user(user["user_id"])
        assert rid is not None
        self.send_poll(rid, [self.today() + timedelta(days=1), self.today() + timedelta(days=2)])

    def local_range(self, day: date, start: datetime, end: datetime) -> tuple[str, str] | None:
        """`[start, end)` as a local range of date `day`'s override ("24:00" is the next local midnight; an end
        on the next date runs overnight), or None when no range of `day` names exactly these instants: a range
        cannot start after the next midnight, and a wall time of the hour the clocks go back reads as its
        earlier instant (SPEC §1). slotcraft's own conversion (`Zone.to_utc`) is the judge."""
        a, b = start.astimezone(self.zone), end.astimezone(self.zone)
        next_day = day + timedelta(days=1)
        if a.date() == day:
            first = a.strftime("%H:%M")
        elif a.date() == next_day and a.strftime("%H:%M") == "00:00":
            first = "24:00"
        else:
            return None
        if b.date() == next_day and b.strftime("%H:%M") == "00:00" and first != "24:00":
            last = "24:00"
        elif b.date() == day or (b.date() == next_day and b.strftime("%H:%M") <= first):  # overnight: to <= from
            last = b.strftime("%H:%M")
        else:
            return None
        zone = sc.Zone(self.zone.key)
        if zone.to_utc(a.date(), a.strftime("%H:%M")) != start or zone.to_utc(b.date(), b.strftime("%H:%M")) != end:
            return None
        return first, last

    def apply_answer(self, rid: str, day: date, starts: list[datetime], actor: str) -> bool:
        """The answer becomes the teacher's override for that date: the ticked starts merged into ranges by real
        time (a start one slot length after the previous one continues its range). False, and nothing changed,
        when the override cannot name exactly these starts (see `local_range`)."""
        step = self.slot_length()
        runs: list[list[datetime]] = []
        for t in sorted(starts):
            if runs and runs[-1][1] == t:
                runs[-1][1] = t + step
            else:
                runs.append([t, t + step])
        ranges = [self.local_range(day, a, b) for a, b in runs]
        if any(x is None for x in ranges):
            return False
        r = self.s.resource(rid)
        assert r is not None
        self.put_override(r, day, ranges, actor)
        return True

    def put_override(self, r: sc.ResourceRecord, day: date, ranges: list[tuple[str, str]] | list[sc.LocalRange],
                     actor: str) -> None:
        """Sets the override of `day` in the teacher's schedule at the club."""
        schedules = r.schedules
        overrides = schedules[0].overrides
        overrides[day] = ranges
        schedules[0].overrides = overrides
        r.schedules = schedules
        self.s.put_resource(r, actor=actor)

    def answered_time(self) -> dict[tuple[str, str], list[tuple[datetime, datetime]]]:
        """The real time each answer still to come ticked, by teacher and date: what a change of the slot length
        must keep (see `retick`)."""
        step = self.slot_length()
        out: dict[tuple[str, str], list[tuple[datetime, datetime]]] = {}
        for rid, day_text, _ in self.store.answers_from((self.today() + timedelta(days=1)).isoformat()):
            day = date.fromisoformat(day_text)
            merged: list[list[datetime]] = []
            for t in self.answer_starts(rid, day, self.usual_grid(rid, day)) or []:
                if merged and merged[-1][1] >= t:
                    merged[-1][1] = max(merged[-1][1], t + step)
                else:
                    merged.append([t, t + step])
            out[(rid, day_text)] = [(a, b) for a, b in merged]
        return out

    def retick(self, answered: dict[tuple[str, str], list[tuple[datetime, datetime]]]) -> None:
        """The answers re-read on the new grid: a start is ticked when its whole new slot lies in time ticked
        before. The dates' hours (overrides) stay as the teacher answered them."""
        step = self.slot_length()
        for (rid, day_text), spans in answered.items():
            day = date.fromisoformat(day_text)
            ticks = [t for t in self.usual_grid(rid, day) if any(a <= t and t + step <= b for a, b in spans)]
            self.store.set_answer(rid, day_text, [sc.format_instant(t) for t in ticks], self.now().isoformat(),
                                  usual=self.store.usual_day(rid, day_text))
            log.info("action poll answer regridded resource=%s day=%s slots=%s", rid, day_text,
                     ",".join(self.clock_labels(ticks)))

    def repeated_hour(self, grid: list[datetime]) -> set[datetime]:
        """The starts of `grid` whose local wall time happens twice (the hour the clocks go back)."""
        zone = sc.Zone(self.zone.key)
        return {t for t in grid if len(zone.instants_at(t.astimezone(self.zone).date(),
                                                         t.astimezone(self.zone).strftime("%H:%M"))) > 1}

    @router.button("pl", roles=(TEACHER,))
    def cb_pl(self, user: dict, rest: str, message_id: int | None) -> None:
        """`pl:<day>:<epoch>` ticks or unticks the start at that instant, `pl:<day>:off` is a day off. A start
        not on the day's grid (a forged button, or hours changed since the poll) is refused. Unticking a
        time clients have booked (or a day off over one) asks first; `...:<epoch|off>:sure` confirms, and
        those bookings are cancelled and their clients told."""
        rid = self.store.teacher_of_user(user["user_id"])
        assert rid is not None
        rest, sure = (rest.removesuffix(":sure"), True) if rest.endswith(":sure") else (rest, False)
        day_text, _, slot = rest.partition(":")
        try:
            day = parse_ymd(day_text)
        except ValueError:
            self.say(user, "stale_button")
            return
        grid = self.usual_grid(rid, day) if day > self.today() else []
        labels = self.clock_labels(grid)
        pressed = [t for t in grid if slot.isdigit() and int(t.timestamp()) == int(slot)]
        if not pressed and re.fullmatch(r"\d{4}", slot):  # a poll sent before the buttons carried instants
            pressed = [t for t, label in zip(grid, labels) if label == f"{slot[:2]}:{slot[2:]}"]
        if not grid or (slot != "off" and len(pressed) != 1):
            self.say(user, "poll_closed")
            return
        if slot == "off":
            wanted: set[datetime] = set()
            unticked = set(grid)
        else:
            # The hour the clocks go back is ticked as one: a local range cannot hold one of its two 02:00s alone.
            repeated = self.repeated_hour(grid)
            group = repeated if pressed[0] in repeated else set(pressed)
            ticked = set(self.answer_starts(rid, day, grid) or []) & set(grid)
            wanted = ticked - group if pressed[0] in ticked else ticked | group
            unticked = group if pressed[0] in ticked else set()
        # Bookings at the times the teacher takes back (an untick, or the day off); a tick takes nothing.
        dropped = [b for b in self.booked_on(rid, day) if b.start in unticked]
        if dropped and not sure:
            self.say(user, "poll_booked", [[btn("btn_untick_anyway", f"pl:{rest}:sure")]],
                     day=self.day_label(user, day), count=len(dropped),
                     times=" ".join(self.clock_labels(sorted({b.start for b in dropped}))))
            return
        if not self.apply_answer(rid, day, sorted(wanted), self.actor(user)):
            log.info("action poll answer refused resource=%s day=%s pressed=%s", rid, day, slot)
            self.say(user, "poll_cannot", time=labels[grid.index(pressed[0])] if pressed else "-",
                     day=self.day_label(user, day))
            return
        self.store.set_answer(rid, day.isoformat(), [sc.format_instant(t) for t in sorted(wanted)], self.now().isoformat())
        log.info("action poll answer resource=%s day=%s slots=%s", rid, day, ",".join(self.clock_labels(sorted(wanted))))
        self.release_sessions(self.actor(user), resource=rid, starts=unticked)
        for b in dropped:  # the teacher said they cannot: the lesson goes, and its client hears it at once
            self.s.cancel(b.id, "the teacher cannot come", now=self.now(), actor=self.actor(user))
            client = self.user_of_client(b.client) if b.client else None
            if client is not None:
                self.say(client, "lesson_cancelled_by_teacher", subject=self.subject_name(b.service),
                         teacher=self.teacher_name(rid), when=self.when(client, b.start))
        if message_id is not None:
            self.edit(user, message_id, "poll", self.poll_keyboard(rid, day), day=self.day_label(user, day))
        if slot == "off":  # said, not only shown by every tick gone
            self.say(user, "poll_day_off", day=self.day_label(user, day))

    def booked_on(self, rid: str, day: date) -> list[sc.BookingRecord]:
        """The teacher's confirmed bookings starting on the local `day`."""
        start, end = self.day_span(day)
        return [b for b in self.s.upcoming(rid, start, 1) if b.status == sc.BookingStatus.confirmed and b.start < end]
