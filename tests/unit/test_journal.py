"""The journal ring: the newest requests, kept and filtered."""

from __future__ import annotations

from simulator.journal import Entry, Journal

NOW = 1_694_770_580_000


def test_journal_keeps_the_newest() -> None:
    journal = Journal(capacity=3)
    for status in (200, 404, 200, 400, 200):
        journal.record(Entry(NOW, "GET", "/x", "", "listClients", status, 1.0))
    assert [e.status for e in journal.entries()] == [200, 400, 200]
    assert [e.status for e in journal.entries(status=400)] == [400]
    assert journal.recorded == 5 and len(journal) == 3
