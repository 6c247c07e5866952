import os

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from unit.conftest import validator  # noqa: F401  (the vendored Vega-Lite schema)
