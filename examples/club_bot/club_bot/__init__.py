"""A club timetable bot (admin, teachers, clients) with support hand-off and
FAQ answers, built on slotcraft's public Python API and on botkit
(examples/botkit: transports, runner, catalogs, dialog-state storage,
throttling, logging, parsers). See ../README.md."""
