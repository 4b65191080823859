"""The one exception type user-facing entry points turn into a single clear message."""


def is_out_of_memory(exc: BaseException) -> bool:
    """torch's ``OutOfMemoryError`` (CUDA, MPS) or a RuntimeError saying "out of memory" (no torch import)."""
    return type(exc).__name__ == "OutOfMemoryError" or "out of memory" in str(exc).lower()


class UserError(Exception):
    """Bad input from the user: the CLI prints the message on one line and exits non-zero."""
