"""Transport cost of a live stream: nbvis vs re-sending the whole dataset per update.

A 60,000-step stream appends one point per step to each of 4 line charts (as per-batch
training logging does), as fast as the loop runs. Every message the widgets publish is
serialised exactly as ipykernel puts it on the wire (jupyter_client.Session, signed),
and counted. In the same run, the same updates are costed for:

* ``resend-all``: Altair's JupyterChart approach — each update re-sends the whole
  dataset as inline JSON rows (priced at the same coalesced update points, which is
  generous to it: JupyterChart itself has no coalescing);
* ``json-per-point``: one JSON comm message per appended point, no batching.

Run:  python bench/transport.py [--steps 60000] [--charts 4]
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import comm
from comm.base_comm import BaseComm
from jupyter_client.session import Session

SESSION = Session(key=b"nbvis-bench-key", username="bench")


def wire_bytes(msg_type: str, content: dict, buffers: list | None = None) -> int:
    msg = SESSION.msg(msg_type, content)
    frames = SESSION.serialize(msg)
    return sum(len(f) for f in frames) + sum(len(memoryview(b).cast("B")) for b in buffers or [])


class MeteredComm(BaseComm):
    def __init__(self, **kwargs: Any) -> None:
        self.sent: list[tuple[float, str, int, dict]] = []
        super().__init__(**kwargs)

    def publish_msg(self, msg_type: str, data: Any = None, metadata: Any = None,
                    buffers: Any = None, **keys: Any) -> None:
        content = {"comm_id": self.comm_id, "data": data or {}}
        self.sent.append((time.monotonic(), msg_type, wire_bytes(msg_type, content, buffers), data or {}))


def meter_comms() -> list[MeteredComm]:
    """Make every widget opened from now on a MeteredComm; returns the (growing) list of them."""
    opened: list[MeteredComm] = []

    def create(*args: Any, **kwargs: Any) -> MeteredComm:
        c = MeteredComm(*args, **kwargs)
        opened.append(c)
        return c

    comm.create_comm = create
    return opened


def run(steps: int, n_charts: int) -> dict[str, Any]:
    opened = meter_comms()
    import nbvis

    charts = [nbvis.linechart([], series="loss", x_label="step") for _ in range(n_charts)]
    chart_comms = [next(c for c in opened if c.comm_id == ch.comm.comm_id) for ch in charts]
    for c in chart_comms:
        c.sent.clear()  # count the stream only, not the comm_open

    start = time.monotonic()
    for step in range(steps):
        y = 1.0 / (1 + step)
        for chart in charts:
            chart.append([{"x": step, "y": y}])
    for chart in charts:
        chart.flush()
    elapsed = time.monotonic() - start

    data_msgs = [[m for m in c.sent if m[3].get("method") == "custom"] for c in chart_comms]
    ours_bytes = sum(m[2] for msgs in data_msgs for m in msgs)
    points = steps * n_charts
    n_msgs = [len(m) for m in data_msgs]

    # Baselines, priced at our own update points (rows known at each flush).
    row_json = len(json.dumps({"x": steps, "y": 0.123456789, "series": "loss"})) + 2
    resend = 0
    for msgs in data_msgs:
        rows = 0
        for _, _, _, data in msgs:
            rows += data["content"]["datasets"]["values"]["n"]
            spec_and_rows = 420 + rows * row_json  # ~400 B of spec, as Altair inlines
            resend += wire_bytes("comm_msg", {"comm_id": "x" * 32, "data": {"method": "update", "state": {}}}) + spec_and_rows
    per_point_msg = wire_bytes(
        "comm_msg",
        {"comm_id": "x" * 32, "data": {"method": "custom", "content": {"x": steps, "y": 0.123456789, "series": "loss"}}},
    )
    return {
        "steps": steps,
        "charts": n_charts,
        "points": points,
        "elapsed_s": elapsed,
        "messages_per_chart": n_msgs,
        "messages_per_s_per_chart": max(n_msgs) / elapsed,
        "ours_bytes_per_point": ours_bytes / points,
        "resend_bytes_per_point": resend / points,
        "json_per_point_bytes_per_point": per_point_msg,
        "json_per_point_messages": points,
        "append_us": elapsed / points * 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=60_000)
    parser.add_argument("--charts", type=int, default=4)
    args = parser.parse_args()
    r = run(args.steps, args.charts)
    print(f"stream: {r['steps']:,} steps x {r['charts']} charts = {r['points']:,} points in {r['elapsed_s']:.2f} s "
          f"({r['append_us']:.1f} us per append)")
    print(f"{'approach':<16}{'B/point on wire':>18}{'messages':>12}{'vs nbvis':>10}")
    ours = r["ours_bytes_per_point"]
    total_msgs = sum(r["messages_per_chart"])
    print(f"{'nbvis':<16}{ours:>18.1f}{total_msgs:>12,}{1:>9.0f}x")
    print(f"{'resend-all':<16}{r['resend_bytes_per_point']:>18.1f}{total_msgs:>12,}{r['resend_bytes_per_point'] / ours:>9.0f}x")
    print(f"{'json-per-point':<16}{r['json_per_point_bytes_per_point']:>18.1f}{r['json_per_point_messages']:>12,}"
          f"{r['json_per_point_bytes_per_point'] / ours:>9.0f}x")
    print(f"messages/s per chart: {r['messages_per_s_per_chart']:.1f} (target <= 10); "
          f"bytes/point: {ours:.1f} (target <= 24)")


if __name__ == "__main__":
    main()
