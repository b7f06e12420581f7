"""The error raised for bad user input: a file, a flag or a folder that cannot be used."""

from __future__ import annotations


class UsageError(ValueError):
    """Bad user input, with a message that names what is wrong and what is allowed.

    The command line prints the message (no traceback) and exits with code 2. It subclasses
    ``ValueError`` because the model raises ``ValueError`` for bad parameter values, and both
    mean the same to a user: nothing ran, fix the input.
    """
