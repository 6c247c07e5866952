import functools
import json
from pathlib import Path

import jsonschema
import pytest

from nbvis.charts import VEGA_LITE_VERSION

SCHEMA_DIR = Path(__file__).parent / "schema"


@functools.cache
def validator_for_bundled_vega_lite() -> jsonschema.Draft7Validator:
    """The vendored JSON schema of the Vega-Lite version bundled into the front end."""
    schema = json.loads((SCHEMA_DIR / f"vega-lite-v{VEGA_LITE_VERSION}.json").read_text())
    return jsonschema.Draft7Validator(schema)


@pytest.fixture(scope="session")
def validator():
    return validator_for_bundled_vega_lite()
