"""docs/python.md's example runs as written and prints what its comments say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "python.md"
MARKER = "<!-- The block below runs as tests/python/test_docs.py. -->"


def example() -> str:
    text = DOC.read_text(encoding="utf-8")
    after = text.split(MARKER, 1)[1]
    match = re.match(r"\s*```python\n(.*?)\n```", after, re.S)
    assert match, "the marked python block is missing"
    return match.group(1)


def test_the_example_is_about_twenty_lines() -> None:
    assert 15 <= len(example().splitlines()) <= 25


def test_the_example_books_a_slot_and_prints_what_it_says(capsys: pytest.CaptureFixture[str]) -> None:
    code = example()
    exec(compile(code, str(DOC), "exec"), {"__name__": "__docs__"})
    printed = capsys.readouterr().out.splitlines()
    promised = [line.split("# ", 1)[1] for line in code.splitlines() if line.lstrip().startswith("print(")]
    assert printed == promised
