"""An example Telegram booking bot for masters (barbers, tutors, ...) and their
clients, built on slotcraft's public Python API only. See ../README.md."""
