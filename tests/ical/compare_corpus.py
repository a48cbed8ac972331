#!/usr/bin/env python3
"""Reads every *.ics of a corpus with slotcraft.read_ics and with the Python
reference of docs/calendars.md (reference_busy.py, next to this file), over
one window, and compares the busy time.

    PYTHONPATH=build/python tests/ical/compare_corpus.py --corpus tests/ical/corpus
        [--zone Europe/Berlin] [--from 1990-01-01] [--to 2035-01-01]
        [--known tests/ical/known_differences.tsv] [--reference-only] [-v]

Each file is one of:
  agree             both read it, same busy intervals
  disagree          both read it and the busy time differs, or slotcraft
                    reads what the reference refuses, or slotcraft fails
                    otherwise (an error other than InvalidArgument naming
                    `ics`, a result Python cannot hold): printed
  known             a disagreement listed in the known-differences file
  slotcraft-refused slotcraft refuses a file the reference reads (or cannot)
  reference-cannot  slotcraft reads it, the reference cannot (dateutil or
                    icalendar limits, a case the doc leaves open, a timeout)
  both-refuse       both refuse it

Exit status 1 when a file disagrees (and is not a known difference), or when
slotcraft reads fewer than 95% (--min-import) of the files that are not
broken on purpose. Those are listed in the corpus's broken.tsv (`--broken`,
TSV `file<TAB>reason`: library test inputs that break RFC 5545 by design,
not calendars a producer wrote); they still take part in every comparison.
The known-differences file is TSV: `file<TAB>reason`, file relative to the
corpus; lines starting with `#` and the header line `file<TAB>reason` are
ignored. List a file there only when the reference, not slotcraft, is shown
wrong, with the reason.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections import Counter
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import reference_busy as ref  # noqa: E402

UTC = timezone.utc
CLASSES = ("agree", "disagree", "known", "slotcraft-refused", "reference-cannot", "both-refuse")


class Timeout(Exception):
    pass


def _alarm(signum, frame):  # noqa: ARG001
    raise Timeout()


def run_reference(text: str, zone: str, start: datetime, end: datetime, limit: int):
    """("ok", intervals) | ("refuses", reason) | ("cannot", reason)."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(limit)
    try:
        return "ok", ref.busy(text, zone, start, end)
    except ref.ReferenceRefuses as e:
        return "refuses", e.reason
    except ref.ReferenceCannot as e:
        return "cannot", e.reason
    except Timeout:
        return "cannot", f"timeout after {limit} s"
    except Exception as e:  # noqa: BLE001 - a bug of the reference: shown, never counted as agreement
        return "cannot", f"reference error {type(e).__name__}: {e}"
    finally:
        signal.alarm(0)


def run_slotcraft(sc, text: str, zone: str, start: datetime, end: datetime):
    """("ok", intervals) | ("refuses", reason) | ("error", what): an error
    other than InvalidArgument naming `ics`, or a result Python cannot take."""
    try:
        got = sc.read_ics(text, zone, start, end)
    except sc.InvalidArgument as e:
        if e.field != "ics":
            return "error", f"InvalidArgument naming {e.field!r}, not 'ics': {e}"
        return "refuses", f"{e}"
    except Exception as e:  # noqa: BLE001
        return "error", f"{type(e).__name__}: {e}"
    try:
        return "ok", [(i.start.astimezone(UTC), i.end.astimezone(UTC)) for i in got.busy]
    except Exception as e:  # noqa: BLE001
        return "error", f"reading the result: {type(e).__name__}: {e}"


def describe(pairs, zone: ZoneInfo) -> str:
    a, b = pairs
    la, lb = a.astimezone(zone), b.astimezone(zone)
    return f"{a:%Y-%m-%dT%H:%M:%SZ} .. {b:%Y-%m-%dT%H:%M:%SZ}  (local {la:%a %Y-%m-%d %H:%M} .. {lb:%Y-%m-%d %H:%M})"


def differences(expected, got, zone: ZoneInfo, limit: int = 6) -> list[str]:
    exp_set, got_set = set(expected), set(got)
    only_ref = sorted(exp_set - got_set)
    only_sc = sorted(got_set - exp_set)
    lines = [f"reference {len(expected)} intervals, slotcraft {len(got)}; "
             f"{len(only_ref)} only in the reference, {len(only_sc)} only in slotcraft"]
    merged = sorted([(x, "reference only") for x in only_ref] + [(x, "slotcraft only") for x in only_sc])
    for x, who in merged[:limit]:
        lines.append(f"  {who:15} {describe(x, zone)}")
    return lines


def read_known(path: Path | None) -> dict[str, str]:
    known: dict[str, str] = {}
    if path is None or not path.exists():
        return known
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        name, _, reason = raw.partition("\t")
        if name == "file" and reason.strip() == "reason":
            continue
        if not reason.strip():
            sys.exit(f"{path}: {name}: a known difference needs a reason")
        known[name.strip()] = reason.strip()
    return known


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", required=True, type=Path)
    p.add_argument("--zone", default="Europe/Berlin")
    p.add_argument("--from", dest="start", default="1990-01-01")
    p.add_argument("--to", dest="end", default="2035-01-01")
    p.add_argument("--known", type=Path, default=HERE / "known_differences.tsv")
    p.add_argument("--broken", type=Path, default=None, help="default: broken.tsv in the corpus")
    p.add_argument("--timeout", type=int, default=10, help="seconds the reference may take per file")
    p.add_argument("--min-import", type=float, default=0.95)
    p.add_argument("--reference-only", action="store_true", help="run the reference alone (no slotcraft module)")
    p.add_argument("-v", "--verbose", action="store_true", help="also list agreeing files")
    args = p.parse_args(argv)

    start = datetime.combine(date.fromisoformat(args.start), datetime.min.time(), UTC)
    end = datetime.combine(date.fromisoformat(args.end), datetime.min.time(), UTC)
    zone = ZoneInfo(args.zone)
    sc = None
    if not args.reference_only:
        import slotcraft as sc  # noqa: PLW0621
    files = sorted(f for f in args.corpus.rglob("*.ics") if f.is_file())
    if not files:
        print(f"no .ics files under {args.corpus}")
        return 1
    known = read_known(args.known)
    broken = read_known(args.broken or args.corpus / "broken.tsv")
    for name in broken:
        if not (args.corpus / name).is_file():
            sys.exit(f"broken.tsv names {name}, which is not in the corpus")
    counts: Counter[str] = Counter()
    imported = 0
    imported_real = 0
    failing: list[str] = []
    stale: list[str] = []
    began = time.monotonic()
    slow: list[tuple[float, str]] = []
    for f in files:
        name = str(f.relative_to(args.corpus))
        raw = f.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", errors="replace")
            print(f"{name}: not UTF-8, read with U+FFFD replacements")
        t0 = time.monotonic()
        r_kind, r_val = run_reference(text, args.zone, start, end, args.timeout)
        t1 = time.monotonic()
        slow.append((t1 - t0, name))
        if sc is None:
            cls = {"ok": "agree", "refuses": "both-refuse", "cannot": "reference-cannot"}[r_kind]
            counts[f"reference-{r_kind}"] += 1
            if r_kind != "ok" or args.verbose:
                detail = f"{len(r_val)} intervals" if r_kind == "ok" else r_val
                print(f"{name}: reference {r_kind}: {detail}")
            continue
        s_kind, s_val = run_slotcraft(sc, text, args.zone, start, end)
        if s_kind == "ok":
            imported += 1
            imported_real += name not in broken
            if r_kind == "ok":
                cls = "agree" if s_val == r_val else "disagree"
            elif r_kind == "refuses":
                cls = "disagree"
            else:
                cls = "reference-cannot"
        elif s_kind == "error":
            cls = "disagree"
        else:
            cls = "both-refuse" if r_kind == "refuses" else "slotcraft-refused"
        if cls == "disagree" and name in known:
            cls = "known"
        if cls != "disagree" and cls != "known" and name in known:
            stale.append(name)
        counts[cls] += 1
        if cls == "agree":
            if args.verbose:
                print(f"{name}: agree ({len(s_val)} intervals)")
            continue
        print(f"{name}: {cls}")
        if cls in ("disagree", "known"):
            if s_kind == "error":
                print(f"  slotcraft fails: {s_val}")
                print(f"  reference: {r_kind}: {f'{len(r_val)} intervals' if r_kind == 'ok' else r_val}")
            elif r_kind == "refuses":
                print(f"  the reference refuses: {r_val}; slotcraft reads {len(s_val)} intervals")
            else:
                for line in differences(r_val, s_val, zone):
                    print("  " + line)
            if cls == "known":
                print(f"  known difference: {known[name]}")
            else:
                failing.append(name)
        elif cls == "slotcraft-refused":
            print(f"  slotcraft: {s_val}")
            print(f"  reference: {r_kind}: {f'{len(r_val)} intervals' if r_kind == 'ok' else r_val}")
        elif cls == "reference-cannot":
            print(f"  reference: {r_val}; slotcraft reads {len(s_val)} intervals")
        elif cls == "both-refuse":
            print(f"  slotcraft: {s_val}")
            print(f"  reference: {r_val}")
    elapsed = time.monotonic() - began

    print()
    print(f"{len(files)} files, window {args.start} .. {args.end}, zone {args.zone}, {elapsed:.1f} s")
    slow.sort(reverse=True)
    print("slowest for the reference: " + ", ".join(f"{n} {t:.2f} s" for t, n in slow[:3]))
    if sc is None:
        for k in ("reference-ok", "reference-refuses", "reference-cannot"):
            print(f"  {k:18} {counts[k]:5}")
        return 0
    width = max(len(c) for c in CLASSES)
    for c in CLASSES:
        print(f"  {c:{width}} {counts[c]:5}")
    real = len(files) - len(broken)
    rate = imported_real / real
    print(f"  slotcraft reads {imported} of {len(files)} files; of the {real} not broken on purpose "
          f"{imported_real} ({rate:.1%}; at least {args.min_import:.0%} needed)")
    for name in stale:
        print(f"  note: {name} is listed as a known difference but does not differ now")
    status = 0
    if failing:
        print(f"FAIL: {len(failing)} files disagree: {', '.join(failing)}")
        status = 1
    if rate < args.min_import:
        print(f"FAIL: slotcraft reads only {rate:.1%} of the files not broken on purpose")
        status = 1
    if status == 0:
        print("OK")
    return status


if __name__ == "__main__":
    sys.exit(main())
