"""One worker of a two-worker ``MultiWorkerMirroredStrategy`` job (tests/show/test_watch_writers.py).

``python multiworker_job.py INDEX PORT,PORT LOGDIR GATE``: a custom training loop (Keras 3's
``fit`` cannot build a model under this strategy: it reduces a ``PerReplica`` batch eagerly);
the chief logs the loss of every step with ``nbvis.runs``. Both workers hold at step 10
until the file ``GATE`` exists, so the test can watch points arrive while they train.
"""

import json
import os
import sys
import time

index, ports, logdir, gate = int(sys.argv[1]), sys.argv[2].split(","), sys.argv[3], sys.argv[4]
os.environ["TF_CONFIG"] = json.dumps({"cluster": {"worker": [f"127.0.0.1:{p}" for p in ports]},
                                      "task": {"type": "worker", "index": index}})
os.environ["KERAS_BACKEND"] = "tensorflow"

import keras
import numpy as np
import tensorflow as tf

import nbvis

strategy = tf.distribute.MultiWorkerMirroredStrategy()
with strategy.scope():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8), keras.layers.Dense(1)])
    optimizer = keras.optimizers.SGD(0.01)
x = np.random.default_rng(index).normal(size=(512, 4)).astype("float32")
y = x.sum(1, keepdims=True)
GLOBAL_BATCH = 32
data = strategy.experimental_distribute_dataset(
    tf.data.Dataset.from_tensor_slices((x, y)).repeat().batch(GLOBAL_BATCH // len(ports)))


@tf.function
def train_step(batch):
    def step(xb, yb):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.square(model(xb, training=True) - yb)) / GLOBAL_BATCH
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    return strategy.reduce("SUM", strategy.run(step, args=batch), axis=None)


chief = strategy.cluster_resolver.task_id == 0
run = nbvis.runs.start("mw", logdir=logdir, hparams={"workers": len(ports)}) if chief else None
batches = iter(data)
for step in range(1, 41):
    loss = train_step(next(batches))
    if run is not None:
        run.log(step, loss=loss)  # a tensor: read on the run's thread
    while step == 10 and not os.path.exists(gate):  # held until the test opens it (it kills us on failure)
        time.sleep(0.05)
if run is not None:
    run.close()
print("done", index, flush=True)
