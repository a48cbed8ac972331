#!/usr/bin/env python3
"""`pip install --no-build-isolation` of the repository into a temp dir, then import it.

Copies the sources the package build needs into WORK/src (so the check leaves
nothing in the source tree and sees only what is committed or about to be),
runs `python -m pip install --no-build-isolation --no-deps --target WORK/site`
with the same interpreter, and in a fresh process, from another directory,
imports slotcraft from WORK/site, checks that py.typed, the stub and the
server's pages' files were installed, and books a slot. Run by CTest as `python_pip_install`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

# What setup.py's CMake build reads (no tests, CLI or examples are built).
NEEDED = ["CMakeLists.txt", "pyproject.toml", "setup.py", "cmake", "include", "src", "bindings", "web", "README.md"]

IMPORT_CHECK = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timedelta, timezone
    from pathlib import Path

    import slotcraft as sc

    site = Path(sys.argv[1]).resolve()
    package = Path(sc.__file__).resolve().parent
    assert package.parent == site, f"imported {package}, not from {site}"
    assert (package / "py.typed").is_file() and (package / "_core.pyi").is_file()
    assert list(package.glob("_core*.so")), "no compiled module installed"
    # The server's pages: their own scripts and the npm libraries they load.
    for page in ("server/static/admin/main.js", "server/static/book/main.js", "server/static/book/book.css",
                 "web/fullcalendar/index.global.min.js", "web/swagger-ui-dist/swagger-ui-bundle.js"):
        assert (package / page).is_file(), f"{page} was not installed"

    s = sc.Scheduler("memory:")
    s.put_location(sc.Location("salon"))
    s.put_resource(sc.ResourceRecord("anna", "Europe/Berlin",
                                     schedules=[sc.LocationSchedule("salon", weekly={"mon": [("09:00", "18:00")]})]))
    s.put_service(sc.Service("cut", timedelta(minutes=30)))
    s.link("anna", "cut")
    now = datetime(2027, 2, 28, 12, tzinfo=timezone.utc)
    monday = datetime(2027, 3, 1, tzinfo=timezone.utc)
    first = s.slots("cut", monday, monday + timedelta(days=1), now=now)[0]
    booked = s.book("anna", "cut", first.start, now=now)
    assert booked.start == datetime(2027, 3, 1, 8, 0, tzinfo=timezone.utc)
    print("installed slotcraft", sc.__version__, "from", package)
    """
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True, type=Path)
    parser.add_argument("--work", required=True, type=Path)
    args = parser.parse_args()

    work = args.work.resolve()
    shutil.rmtree(work, ignore_errors=True)
    src = work / "src"
    src.mkdir(parents=True)
    ignore = shutil.ignore_patterns("build", "build-*", "__pycache__", "*.egg-info", "*.so")
    for name in NEEDED:
        origin = args.source / name
        if origin.is_dir():
            shutil.copytree(origin, src / name, ignore=ignore, symlinks=True)
        else:
            shutil.copy2(origin, src / name)

    site = work / "site"
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.setdefault("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 1))
    # What is checked is the packaging, not the code's speed: -Os compiles the
    # bindings in about 80% of Release's -O3 time (the longest test of scripts/test).
    env.setdefault("SLOTCRAFT_BUILD_TYPE", "MinSizeRel")
    install = [sys.executable, "-m", "pip", "install", "--no-build-isolation", "--no-deps", "--no-input",
               "--disable-pip-version-check", "--target", str(site), str(src)]
    print("+", " ".join(install), flush=True)
    subprocess.run(install, check=True, env=env, cwd=work)

    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    env["PYTHONPATH"] = str(site)
    subprocess.run([sys.executable, "-c", IMPORT_CHECK, str(site)], check=True, env=env, cwd=elsewhere)
    return 0


if __name__ == "__main__":
    sys.exit(main())
