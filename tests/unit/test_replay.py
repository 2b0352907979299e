"""Changes made again from their log: the same state as the changes first made, however the clock moved between."""

from __future__ import annotations

import random
from typing import Any

import pytest

from simulator.domain.churn import Churn
from simulator.domain.client import ConnState, SubOpts
from simulator.domain.clock import Clock
from simulator.domain.population import PopulationSpec
from simulator.domain.query import ClientQuery
from simulator.domain.subscription import SubscribeRequest
from simulator.replay import replay
from simulator.service import Simulation

NOW_MS = 1_694_770_580_000


def _live(seed: int) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """A simulation with a running clock and churn: reads at random instants between random changes. The state it
    started from, its log, and its state at its last change."""
    seconds = [NOW_MS / 1000]
    spec = PopulationSpec(seed=3, clients=300, nodes=2, now_ms=NOW_MS)
    live = Simulation(Clock(lambda: seconds[0]), spec, Churn(disconnects=0.05, reconnects=0.3, arrivals=2))
    start = live.export_state()
    log: list[dict[str, Any]] = []
    live.recorder = log.append
    rng = random.Random(seed)
    for step in range(400):
        seconds[0] += rng.uniform(0, 20)
        live.revision()  # a read: the clock is seen, sessions expire, churn moves
        if step % 10 == 9:
            connected = [c for c in live.matching(ClientQuery())[0] if c.state is ConnState.CONNECTED]
            clientid = rng.choice(connected).clientid
            if rng.random() < 0.3:
                live.kick(clientid)
            else:
                live.bulk_subscribe(clientid, [SubscribeRequest(f"t/{step}", SubOpts(qos=1))])
        if step == 200:
            live.set_clock(live.clock.now_ms() - 3_600_000)  # back an hour: nothing comes back
        if step % 40 == 20:  # a client put in place through the control API
            live.put_client(f"put-{step}", {"state": "disconnected", "subscriptions": {f"p/{step}": 1}})
        if step % 40 == 30:  # a client's connection state changed through the control API
            connected = [c for c in live.matching(ClientQuery())[0] if c.state is ConnState.CONNECTED]
            live.set_state(rng.choice(connected).clientid, rng.choice([ConnState.IDLE, ConnState.DISCONNECTED]))
    return start, log, live.export_state()


@pytest.mark.parametrize("seed", range(3))
def test_a_log_made_again_comes_to_the_state_of_its_last_change(seed: int) -> None:
    start, log, end = _live(seed)
    assert len(log) > 30
    assert {"put_client", "set_state"} <= {change["op"] for change in log}
    again = Simulation(Clock.frozen(0), PopulationSpec(seed=1, clients=0, nodes=1, now_ms=0))
    again.import_state(start)
    assert replay(again, enumerate(log)) == len(log)
    assert again.export_state() == end
    assert not again.clock.is_frozen
