"""Unit-test fixtures: a recording comm, so widgets can be tested without a kernel."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import comm
import pytest
from comm.base_comm import BaseComm


class RecordingComm(BaseComm):
    """A comm that keeps every message it would publish, as (type, data, buffers)."""

    def __init__(self, **kwargs: Any) -> None:
        self.messages: list[tuple[str, dict, list]] = []
        super().__init__(**kwargs)

    def publish_msg(self, msg_type: str, data: Any = None, metadata: Any = None,
                    buffers: Any = None, **keys: Any) -> None:
        self.messages.append((msg_type, data or {}, list(buffers or [])))

    def custom(self) -> list[tuple[dict, list]]:
        """The custom (data) messages sent to the front end."""
        return [(d["content"], b) for t, d, b in self.messages
                if t == "comm_msg" and d.get("method") == "custom"]

    def updates(self) -> list[tuple[dict, list]]:
        return [(d, b) for t, d, b in self.messages if t == "comm_msg" and d.get("method") == "update"]


@pytest.fixture
def comms(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[RecordingComm]]:
    """Every comm opened by a widget during the test, in order."""
    opened: list[RecordingComm] = []

    def create(*args: Any, **kwargs: Any) -> RecordingComm:
        c = RecordingComm(*args, **kwargs)
        opened.append(c)
        return c

    monkeypatch.setattr(comm, "create_comm", create)
    yield opened
