"""The one exception type user-facing entry points turn into a single clear message."""


class UserError(Exception):
    """Bad input from the user: the CLI prints the message on one line and exits non-zero."""
