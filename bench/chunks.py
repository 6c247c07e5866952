"""Chunk size of a big transfer: the largest message against the kernel's time to send.

Hosts limit message sizes (Colab fails JS→kernel messages from 1 MB; kernel→JS limits
are undocumented), so one big ``append`` is split into messages of at most
``CHUNK_ROWS`` rows. This appends 2,000,000 points of two series to a line chart at each
chunk size in the same run, meters every message exactly as ipykernel serialises it
(``bench/transport.py``'s signed jupyter_client session) and prints, per size: messages,
the largest message, total bytes and the kernel-side time of the flush, as a ratio to
the old 1,048,576-row chunks.

Run:  python bench/chunks.py [--rows 2000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from transport import meter_comms

import nbvis
from nbvis.widgets import _live


def one(rows: int, chunk: int) -> tuple[int, int, int, float]:
    _live.CHUNK_ROWS = chunk
    comms = meter_comms()
    chart = nbvis.linechart({"a": [{"x": 0, "y": 0.0}]})
    x = np.arange(1, rows // 2 + 1, dtype=float)
    data = {"a": np.column_stack([x, np.sin(x / 1e4)]), "b": np.column_stack([x, np.cos(x / 1e4)])}
    chart.append(data)
    start = time.perf_counter()
    chart.flush()
    seconds = time.perf_counter() - start
    sent = [size for c in comms for _, kind, size, data in c.sent if data.get("method") == "custom"]
    chart.close()
    return len(sent), max(sent), sum(sent), seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [1 << 20, 1 << 18, 1 << 16]
    best: dict[int, tuple[int, int, int, float]] = {}
    for _ in range(args.repeat):  # interleaved, so drift hits every size alike
        for size in sizes:
            result = one(args.rows, size)
            if size not in best or result[3] < best[size][3]:
                best[size] = result
    base = best[1 << 20][3]
    print(f"{args.rows:,} rows appended at once; best of {args.repeat}")
    print(f"{'chunk rows':>11} {'messages':>9} {'largest MB':>11} {'total MB':>9} {'flush ms':>9} {'vs 1M':>6}")
    for size in sizes:
        n, largest, total, seconds = best[size]
        print(f"{size:>11,} {n:>9} {largest / 1e6:>11.2f} {total / 1e6:>9.1f} {seconds * 1e3:>9.1f} "
              f"{seconds / base:>5.2f}x")


if __name__ == "__main__":
    main()
