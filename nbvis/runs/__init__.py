"""Training runs: log scalars from any loop, keep them as TensorBoard event files, load them back.

>>> with nbvis.runs.start("lr=0.01", logdir="logs", hparams={"lr": 0.01}) as run:
...     for step in range(1000):
...         run.log(step, loss=train_step())
>>> runs = nbvis.runs.load("logs")           # after a restart too: every point
>>> runs.to_pandas()                          # run, tag, step, wall_time, value
>>> nbvis.show.runs("logs")                   # the board
>>> nbvis.show.runs("s3://bucket/logs", watch=True)   # a job elsewhere, live
"""

from ._load import load
from ._run import Run, RunSet, Scalars, start

__all__ = ["Run", "RunSet", "Scalars", "load", "start"]
