"""The HTTP API's tests (a package, so that its conftest.py and the one above are both imported)."""
