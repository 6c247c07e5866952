"""Cost of the static picture every chart output carries (vl-convert), per chart kind.

Run: .venv/bin/python bench/static_pictures.py
Prints, per chart, the time to build its picture, the picture's size and the size of the
picture output a displayed chart leaves (the image inlined in text/html), beside
the time to build the chart itself (the baseline a user pays anyway), in one process.
"""

from __future__ import annotations

import time

import numpy as np

import nbvis
from nbvis.export import static_bundle

rng = np.random.default_rng(0)
CASES = {
    "linechart 2 x 100 points": lambda: nbvis.linechart({"a": rng.random(100), "b": rng.random(100)}),
    "linechart 2 x 10,000 points": lambda: nbvis.linechart({"a": rng.random(10_000), "b": rng.random(10_000)}),
    "scatterplot 1,000 points": lambda: nbvis.scatterplot(rng.random((1000, 2))),
    "barchart 10 bars": lambda: nbvis.barchart({str(i): i for i in range(10)}),
    "histogram 10M values": lambda: nbvis.histogram(rng.normal(size=10_000_000)),
    "heatmap 10 x 10": lambda: nbvis.heatmap(rng.random((10, 10))),
    "heatmap 300 x 400 (raster)": lambda: nbvis.heatmap(rng.random((300, 400))),
    "confusion_matrix 10 classes": lambda: nbvis.confusion_matrix(rng.integers(0, 50, (10, 10))),
    "image_grid 32 x 28x28": lambda: nbvis.image_grid(rng.random((32, 28, 28))),
}


def main() -> None:
    static_bundle(nbvis.barchart({"warm": 1}).snapshot())  # vl-convert's one-time start-up, reported below
    print(f"{'chart':32s} {'build (s)':>10s} {'picture (s)':>12s} {'ratio':>7s}  picture, and its output (inlined)")
    for name, make in CASES.items():
        t = time.perf_counter()
        chart = make()
        build = time.perf_counter() - t
        t = time.perf_counter()
        bundle = static_bundle(chart.snapshot())
        picture = time.perf_counter() - t
        (kind, data), = bundle.items()
        output = len(chart._picture_output()["text/html"])
        print(f"{name:32s} {build:10.3f} {picture:12.3f} {picture / build:7.1f}  {kind} {len(data) / 1024:.0f} KB,"
              f" output {output / 1024:.0f} KB")


if __name__ == "__main__":
    t = time.perf_counter()
    import vl_convert

    vl_convert.vegalite_to_svg({"mark": "point"}, vl_version="6.4")
    print(f"vl-convert start-up (first picture in a kernel): {time.perf_counter() - t:.2f} s")
    main()
