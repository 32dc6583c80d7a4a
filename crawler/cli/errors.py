"""How `finnews` reports an error: which errors are a bad input (exit status 2), and the one line it prints."""

from __future__ import annotations

from alembic.util import CommandError
from sqlalchemy.exc import ArgumentError, DatabaseError

from crawler import db, profiles
from crawler.recovery import RecoveryFileError


class InputError(Exception):
    """A value given on the command line that cannot be used: reported as one line, exit status 2."""


#: The errors that mean a bad input (a database URL or file that is no database, a missing file, a folder
#: where a file belongs, a migration revision, a profile name), not a bug: exit status 2. Any other error
#: (a full disk, a bug) is exit status 1. Both are reported in one line; `finnews --debug` shows the traceback.
INPUT_ERRORS = (
    InputError, FileNotFoundError, IsADirectoryError, NotADirectoryError, ArgumentError, DatabaseError,
    CommandError, db.SchemaError, db.LockTimeout, profiles.ProfileError, RecoveryFileError,
)  # fmt: skip


def error_line(exc: BaseException) -> str:
    """What went wrong, in one line: the message of a bad input; the kind and message of anything else.

    >>> error_line(InputError("workers must be at least 1"))
    'workers must be at least 1'
    >>> error_line(OSError(28, "No space left on device"))
    'OSError: [Errno 28] No space left on device'
    >>> error_line(ValueError("first\\nsecond"))
    'ValueError: first'
    """
    lines = str(exc).strip().splitlines() or [""]
    line = one_line(lines[0])
    return line if isinstance(exc, INPUT_ERRORS) else f"{type(exc).__name__}: {line}".rstrip(": ")


def one_line(text: str) -> str:
    """`text` with every character that is not printable (a line break, a control) escaped.

    >>> one_line("unrecognized arguments: \\x85 央行\\u2028")
    'unrecognized arguments: \\\\x85 央行\\\\u2028'
    """
    return "".join(char if char.isprintable() else ascii(char)[1:-1] for char in text)
