"""A worker process that reads run directories for a big logdir.

``python -m nbvis.runs._reader`` reads a JSON list of directories from stdin and writes
one pickled :class:`~nbvis.runs._events.ParsedRun` per directory to stdout, in order.
A plain subprocess, not ``multiprocessing``: nothing of the caller's ``__main__`` is
re-run (a script without a ``__main__`` guard is safe), and no kernel thread is forked.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import sys

from ._events import read_run_dir

__all__ = ["main"]


def main() -> None:
    with contextlib.suppress(OSError):
        os.nice(10)  # background work: the notebook's kernel and browser come first
    directories = json.load(sys.stdin)
    out = sys.stdout.buffer
    for directory in directories:
        pickle.dump(read_run_dir(directory), out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()


if __name__ == "__main__":
    main()
