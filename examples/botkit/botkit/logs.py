"""Logging set-up: every record passes a filter that removes the bot token."""

from __future__ import annotations

import logging


class Redact(logging.Filter):
    """Replaces each secret in the formatted message (and its arguments) with `<redacted>`."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            text = record.getMessage()
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            for secret in self.secrets:
                text = text.replace(secret, "<redacted>")
                if record.exc_text:
                    record.exc_text = record.exc_text.replace(secret, "<redacted>")
            record.msg, record.args = text, None
        return True


def setup(level: str, secrets: list[str]) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(Redact(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
