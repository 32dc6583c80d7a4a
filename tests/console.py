"""`finnews` commands run in the test process: `crawler.cli.main` with its own stdin, stdout and stderr.

A command needs a process of its own only to test what a process has: signals, a closed pipe, the
environment read at start-up, the installed console script (tests/test_packaging.py).
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass

from crawler.cli import main


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def finnews(*args: str, ok: bool = True, stdin: str = "") -> Result:
    """Run `finnews ARGS` (standard input `stdin`); assert it succeeded (or, `ok=False`, that it failed)."""
    out, err = _stream(), _stream()
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        returncode = main(list(args))
    except SystemExit as exit:  # argparse: --help, a bad option
        returncode = exit.code if isinstance(exit.code, int) else 1
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
    result = Result(returncode, _text(out), _text(err))
    assert (result.returncode == 0) == ok, result.stderr
    return result


def _stream() -> io.TextIOWrapper:
    """A text stream whose `.buffer` (where orjson output goes) is kept in order with its text."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="", write_through=True)


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8")
