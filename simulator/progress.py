"""Progress bars on stderr while the population is built: one per stage, shown when a stage takes over 0.2 s."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any

from simulator.domain.population import Progress


@contextlib.contextmanager
def progress_bars(enabled: bool) -> Iterator[Progress | None]:
    """A progress bar on stderr per stage of building the population (shown when a stage takes over 0.2 s)."""
    if not enabled:
        yield None
        return
    from tqdm import tqdm

    bars: dict[str, Any] = {}

    def progress(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            for earlier in bars.values():
                earlier.close()
            bar = bars[stage] = tqdm(total=total, desc=f"{stage.capitalize():<10}", unit=" clients", unit_scale=True,
                                     delay=0.2, file=sys.stderr, mininterval=0.25)  # fmt: skip
        bar.update(done - bar.n)

    try:
        yield progress
    finally:
        for bar in bars.values():
            bar.close()
