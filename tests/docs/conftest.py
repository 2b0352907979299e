"""The generated reference, written once for the tests that read it."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.docs import write


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    write(out)
    return out
