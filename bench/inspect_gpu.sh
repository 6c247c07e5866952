#!/usr/bin/env bash
# The inspection checks and benchmark on a GPU machine that has JAX and PyTorch (CUDA) but
# no TensorFlow and no package registry: Keras travels as wheels in .whl/ (see BENCHMARKS.md),
# the TensorFlow-on-CPU reference as bench/out/inspect_reference.npz (bench/inspect_backends.py save).
# Writes its logs to $OUT (or bench/out).
set -o pipefail
OUT=${OUT:-bench/out}
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD PYTHONUNBUFFERED=1 TF_CPP_MIN_LOG_LEVEL=3
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$OUT/gpu.txt"
python3 -c "import jax, torch, keras; print('jax', jax.__version__, jax.devices(), 'torch', torch.__version__, torch.cuda.is_available(), 'keras', keras.__version__)" | tee -a "$OUT/gpu.txt"
for backend in jax torch; do
  KERAS_BACKEND=$backend timeout 90 python3 bench/inspect_backends.py check bench/out/inspect_reference.npz 2>&1 | tee "$OUT/check_$backend.txt" | tail -25
done
for backend in jax torch; do
  KERAS_BACKEND=$backend timeout 200 python3 bench/inspect_engine.py --device gpu --repeats 10 "$@" 2>&1 \
    | grep -v -e '━' -e 'UserWarning' -e 'warnings.warn' -e '^Expected' -e '^Received' | tee "$OUT/bench_$backend.txt"
done
