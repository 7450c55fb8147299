"""The real terminal the end-to-end tests drive."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.tmux import Tmux


@pytest.fixture
def terminal(request: pytest.FixtureRequest, tmp_path) -> Iterator[Tmux]:
    """tmux on a private socket, the size of the test module's TERMINAL_SIZE (100x30 unless it
    says otherwise), killed after the test."""
    width, height = getattr(request.module, "TERMINAL_SIZE", (100, 30))
    tmux = Tmux(tmp_path, width=width, height=height)
    yield tmux
    tmux.kill()
