#!/usr/bin/env python3
"""Reads `slotcraft report` (bookings, attendance, load) with Python's csv
module, an RFC 4180 reader that shares no code with slotcraft: names with
commas, quotes and line breaks must come back whole, one record per booking;
the files start with the UTF-8 byte order mark spreadsheets need for
Cyrillic (decoded as utf-8-sig), unless --no-bom; a name a spreadsheet would
run as a formula comes back with a ' in front.

    check_report.py --cli build/slotcraft
"""
import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile


def run(cli, db, *args):
    done = subprocess.run([cli, "--db", db, "--json", "--now", "2026-03-01T00:00:00Z", *args],
                          capture_output=True, check=False)
    if done.returncode != 0:
        sys.exit(f"slotcraft {' '.join(args)} failed ({done.returncode}): {done.stdout!r}{done.stderr!r}")
    return done.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    cli = parser.parse_args().cli
    awkward = 'Salon "Nord", Haus 2; Hinterhof'  # quotes and a comma (a name holds no line break)
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "report.sqlite")
        for command in (["location", "add", "nord", "--name", awkward],
                        ["resource", "add", "anna", "--tz", "Europe/Berlin", "--name", "Anna, die Friseurin"],
                        ["schedule", "set", "anna", "nord", "--mon", "09:00-18:00"],
                        ["service", "add", "cut", "--duration", "30", "--name", "@Schnitt; kurz", "--location", "nord"],
                        ["link", "anna", "cut"],
                        ["client", "add", "c1", "--name", " Иван "]):
            run(cli, db, *command)
        ids = [
            json.loads(run(cli, db, "book", "cut", "anna", start, "--client", "c1"))["id"]
            for start in ("2026-03-02T10:00:00Z", "2026-03-02T08:00:00Z")
        ]
        monday = ("--from", "2026-03-02T00:00:00Z", "--to", "2026-03-03T00:00:00Z")
        raw = run(cli, db, "report", *monday)
        plain = run(cli, db, "report", "--no-bom", *monday)
        week = ("--from", "2026-03-02T00:00:00+01:00", "--to", "2026-03-09T00:00:00+01:00")
        attendance = run(cli, db, "report", "--kind", "attendance", *week)
        load = run(cli, db, "report", "--kind", "load", "--by", "week", *week)

    bom = b"\xef\xbb\xbf"
    assert raw.endswith(b"\r\n") and b"\r\n" in raw
    assert raw.startswith(bom) and attendance.startswith(bom) and load.startswith(bom)
    assert plain == raw[len(bom):]
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert [r["id"] for r in rows] == [ids[1], ids[0]], rows  # by start
    for r in rows:
        assert r["location_name"] == awkward, r["location_name"]
        assert r["resource_name"] == "Anna, die Friseurin"
        assert r["service_name"] == "'@Schnitt; kurz"
        assert r["client_name"] == " Иван "
        assert r["time_zone"] == "Europe/Berlin"
        assert r["status"] == "confirmed"
    assert rows[0]["start_utc"] == "2026-03-02T08:00:00Z" and rows[0]["start_local"] == "2026-03-02T09:00:00"
    assert rows[0]["attendance"] == "unmarked"

    counts = list(csv.DictReader(io.StringIO(attendance.decode("utf-8-sig"), newline="")))
    assert counts == [{"resource": "anna", "resource_name": "Anna, die Friseurin", "bookings": "2", "attended": "0",
                       "no_show": "0", "unmarked": "2", "cancelled": "0"}], counts
    weeks = list(csv.DictReader(io.StringIO(load.decode("utf-8-sig"), newline="")))
    assert weeks == [{"resource": "anna", "resource_name": "Anna, die Friseurin", "time_zone": "Europe/Berlin",
                      "period": "2026-W10", "days": "7", "open_hours": "9.00", "booked_hours": "1.00",
                      "utilisation": "0.1111"}], weeks
    print(f"ok: {len(rows)} bookings, {len(counts)} attendance and {len(weeks)} load records read back by Python's csv module")


if __name__ == "__main__":
    main()
