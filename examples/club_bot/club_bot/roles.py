"""The club bot's roles, as its handler tables name them: admins are named on
the command line (`--admins`), teachers join by the invite link an admin gets
with `/teacher`, everyone else is a client."""

ADMIN, TEACHER, CLIENT = "admin", "teacher", "client"
ALL = (ADMIN, TEACHER, CLIENT)
STAFF = (ADMIN, TEACHER)
