"""The booking bot's roles, as its handler tables name them: a registered
master, or anyone else (a client, or someone about to register)."""

MASTER, CLIENT = "master", "client"
MASTERS = (MASTER,)
ANYONE = (MASTER, CLIENT)
