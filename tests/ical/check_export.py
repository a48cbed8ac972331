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
    events, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name.split(";")[0]] = value
    return events


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    cli = parser.parse_args().cli
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "ics.sqlite")
        location_name = "Салон на Тверской, 1; этаж 2 — " + "очень длинное название " * 3
        for command in (["location", "add", "salon", "--name", location_name],
                        ["resource", "add", "anna", "--tz", "Europe/Moscow"],
                        ["schedule", "set", "anna", "salon", "--tue", "09:00-19:00"],
                        ["service", "add", "cut", "--duration", "45", "--name", "Стрижка, мытьё", "--location", "salon"],
                        ["link", "anna", "cut"]):
            run(cli, db, *command)
        series = json.loads(run(cli, db, "book", "cut", "anna", "2026-03-17T06:00:00Z",
                                "--rrule", "FREQ=WEEKLY;BYDAY=TU;COUNT=3"))
        ids = [b["id"] for b in series["booked"]]
        run(cli, db, "cancel", ids[1], "--reason", "болеет")
        raw = run(cli, db, "export-ics", "--resource", "anna")

    events = events_of(unfold(raw))
    assert [e["UID"] for e in events] == [i + "@slotcraft" for i in ids], events
    assert [e["STATUS"] for e in events] == ["CONFIRMED", "CANCELLED", "CONFIRMED"]
    starts = [dt.datetime.strptime(e["DTSTART"], "%Y%m%dT%H%M%SZ") for e in events]
    assert starts == [dt.datetime(2026, 3, d, 6, 0) for d in (17, 24, 31)], starts
    assert all(unescape(e["LOCATION"]) == location_name for e in events)
    assert unescape(events[0]["SUMMARY"]) == "Стрижка, мытьё"
    assert len({e["RELATED-TO"] for e in events}) == 1

    try:
        import icalendar  # Debian python3-icalendar
    except ImportError:
        print("python3-icalendar is not installed: checked with the standard library only")
        return
    calendar = icalendar.Calendar.from_ical(raw)
    parsed = [c for c in calendar.walk("VEVENT")]
    assert [str(c["UID"]) for c in parsed] == [i + "@slotcraft" for i in ids]
    assert [c.decoded("DTSTART") for c in parsed] == [s.replace(tzinfo=dt.timezone.utc) for s in starts]
    assert str(parsed[0]["LOCATION"]) == location_name
    assert str(parsed[1]["STATUS"]) == "CANCELLED"
    print(f"ok: {len(parsed)} events, checked with the standard library and icalendar {icalendar.__version__}")


if __name__ == "__main__":
    main()
