#!/usr/bin/env python3
"""Checks `slotcraft export-ics` from outside C++: the file is read with
Python's standard library only (CRLF line ends, folding at 75 octets,
unfolding, TEXT unescaping) and, when Debian's python3-icalendar is
installed (scripts/test installs it), with that library too.

    check_export.py --cli build/slotcraft
"""
import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile


def run(cli, db, *args):
    """stdout as bytes: text mode would turn the file's CRLFs into LFs."""
    done = subprocess.run([cli, "--db", db, "--json", "--now", "2026-03-01T00:00:00Z", *args],
                          capture_output=True, check=False)
    if done.returncode != 0:
        sys.exit(f"slotcraft {' '.join(args)} failed ({done.returncode}): {done.stdout!r}{done.stderr!r}")
    return done.stdout


def unfold(raw: bytes):
    """RFC 5545 §3.1 with the standard library: every line ends in CRLF, is
    at most 75 octets, and a line starting with a space continues the last."""
    assert raw.endswith(b"\r\n"), "the file must end with CRLF"
    lines = raw[:-2].split(b"\r\n")
    for line in lines:
        assert len(line) <= 75, f"a line longer than 75 octets: {line!r}"
        assert b"\n" not in line and b"\r" not in line, f"a bare line break: {line!r}"
    logical = []
    for line in lines:
        if line.startswith(b" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return [line.decode("utf-8") for line in logical]


def unescape(text):
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append({"n": "\n", "N": "\n"}.get(text[i + 1], text[i + 1]))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def events_of(lines):
    """Each VEVENT as {name: [values]}, parameters dropped."""
    events, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current.setdefault(name.split(";")[0], []).append(value)
    return events


UTC = dt.timezone.utc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    cli = parser.parse_args().cli
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "ics.sqlite")
        location_name = "Салон на Тверской, 1; этаж 2 — " + "очень длинное название " * 3
        for command in (["location", "add", "salon", "--name", location_name],
                        ["resource", "add", "anna", "--tz", "Europe/Berlin"],
                        ["schedule", "set", "anna", "salon", "--tue", "09:00-19:00"],
                        ["service", "add", "cut", "--duration", "45", "--name", "Стрижка, мытьё", "--location", "salon"],
                        ["link", "anna", "cut"]):
            run(cli, db, *command)
        # Tuesdays 09:00 in Berlin across the change to summer time (29 March), 7 April left out.
        series = json.loads(run(cli, db, "book", "cut", "anna", "2026-03-17T08:00:00Z",
                                "--rrule", "FREQ=WEEKLY;BYDAY=TU;COUNT=5", "--except", "2026-04-07"))
        ids = [b["id"] for b in series["booked"]]
        assert len(ids) == 4, series
        run(cli, db, "cancel", ids[1], "--reason", "болеет")  # 24 March
        run(cli, db, "reschedule", ids[3], "2026-04-14T08:30:00Z")  # 14 April, 10:30 instead of 09:00
        raw = run(cli, db, "export-ics", "--resource", "anna")

    lines = unfold(raw)
    events = events_of(lines)
    uid = series["series"] + "@slotcraft"
    master = next(e for e in events if "RRULE" in e)
    assert master["UID"] == [uid], master
    assert "DTSTART;TZID=Europe/Berlin:20260317T090000" in lines
    assert sorted(line for line in lines if line.startswith("EXDATE")) == [
        "EXDATE;TZID=Europe/Berlin:20260407T090000", "EXDATE;TZID=Europe/Berlin:20260414T090000"]
    assert "RECURRENCE-ID;TZID=Europe/Berlin:20260324T090000" in lines
    assert "TZID:Europe/Berlin" in lines
    override = next(e for e in events if "RECURRENCE-ID" in e)
    assert override["UID"] == [uid] and override["STATUS"] == ["CANCELLED"]
    moved = next(e for e in events if e["UID"] == [ids[3] + "@slotcraft"])
    assert moved["DTSTART"] == ["20260414T083000Z"]
    assert len(events) == 3, events
    assert unescape(master["LOCATION"][0]) == location_name
    assert unescape(master["SUMMARY"][0]) == "Стрижка, мытьё"

    try:
        import icalendar  # Debian python3-icalendar
        from dateutil.rrule import rrulestr  # its dependency python3-dateutil
        from zoneinfo import ZoneInfo
    except ImportError:
        print("python3-icalendar is not installed: checked with the standard library only")
        return
    berlin = ZoneInfo("Europe/Berlin")
    calendar = icalendar.Calendar.from_ical(raw)
    parsed = list(calendar.walk("VEVENT"))
    rule_event = next(c for c in parsed if "RRULE" in c)
    start = rule_event.decoded("DTSTART")
    assert start.tzinfo is not None and start.astimezone(UTC) == dt.datetime(2026, 3, 17, 8, 0, tzinfo=UTC)
    # Expand the rule in local wall time, as RFC 5545 does for a DTSTART with a TZID.
    wall = start.replace(tzinfo=None)
    exdates = rule_event.get("EXDATE")
    exdates = exdates if isinstance(exdates, list) else [exdates]
    skipped = {d.dt.replace(tzinfo=None) for group in exdates for d in group.dts}
    local = [t for t in rrulestr(rule_event["RRULE"].to_ical().decode(), dtstart=wall) if t not in skipped]
    instants = [t.replace(tzinfo=berlin).astimezone(UTC) for t in local]
    assert instants == [dt.datetime(2026, 3, 17, 8, 0, tzinfo=UTC), dt.datetime(2026, 3, 24, 8, 0, tzinfo=UTC),
                        dt.datetime(2026, 3, 31, 7, 0, tzinfo=UTC)], instants  # 09:00 local each, CET then CEST
    cancelled = next(c for c in parsed if "RECURRENCE-ID" in c)
    assert cancelled.decoded("RECURRENCE-ID").astimezone(UTC) == instants[1]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    alone = next(c for c in parsed if str(c["UID"]) == ids[3] + "@slotcraft")
    assert alone.decoded("DTSTART") == dt.datetime(2026, 4, 14, 8, 30, tzinfo=UTC)
    assert str(rule_event["LOCATION"]) == location_name
    print(f"ok: a series of {len(instants)} occurrences, a cancelled override and a moved one, checked with the "
          f"standard library and icalendar {icalendar.__version__} (expanded with dateutil)")


if __name__ == "__main__":
    main()
