"""EMQX 5's paging of client lists: rows read in chunks of `limit` that match the exact filters, the substring
filters applied to each chunk after it is read (`emqx_mgmt_api`'s query loop), so a page can be short and a
"next page" can be empty."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Keep = npt.NDArray[np.bool_]


def page(keep: Keep, number: int, limit: int) -> tuple[list[int], bool]:
    """The positions (into the rows) of page `number`, and `hasnext`: whether the last chunk read was full, as
    EMQX says it (so a page that ends exactly on the last row still says there is more)."""
    start, end = (number - 1) * limit, number * limit
    kept_before = 0
    chosen: list[int] = []
    size = keep.size
    for first in range(0, size + 1, limit):
        chunk = keep[first : first + limit]
        final = chunk.size < limit
        positions = (np.flatnonzero(chunk) + first).tolist()
        reached = kept_before + len(positions)
        if reached <= start:
            kept_before = reached
            if final:
                break
            continue
        part = positions[max(0, start - kept_before) :]
        if reached < end:
            chosen += part
            kept_before = reached
            if final:
                break
            continue
        take = limit - len(chosen)
        overflow = take < len(positions)
        chosen += part[:take]
        return chosen, overflow or not final
    return chosen, False


def cursor_page(keep: Keep, limit: int) -> tuple[list[int], int | None]:
    """The positions of one `clients_v2` page from the start of `keep`, and the position of the last row read
    when more follow (None at the end): chunks are read until the page holds `limit` rows, so it may hold up to
    `2 * limit - 1`."""
    chosen: list[int] = []
    first = 0
    while True:
        chunk = keep[first : first + limit]
        chosen += (np.flatnonzero(chunk) + first).tolist()
        first += chunk.size
        if chunk.size < limit:
            return chosen, None
        if len(chosen) >= limit:
            return chosen, first - 1
