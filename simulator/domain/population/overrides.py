"""Scenario overrides: a generated client with the fields a scenario gives it, kept consistent."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import fields, replace
from typing import Any

import numpy as np

from simulator.domain.client import Client, ConnState, Identity, Limits, SubOpts
from simulator.domain.population.columns import NO_TIME, STATES, draw, timeline
from simulator.domain.population.details import materialize
from simulator.domain.population.spec import PopulationSpec

IDENTITY_FIELDS = frozenset(f.name for f in fields(Identity)) - {"clientid"}
LIMIT_FIELDS = frozenset(f.name for f in fields(Limits))


def override(rng: random.Random, client: Client, given: Mapping[str, Any], now_ms: int) -> Client:
    """`client` with the fields a scenario gives; its timeline is drawn again (from a generator seeded by `rng`)
    when the state or anything of its identity is given."""
    identity = replace(client.identity, **{k: v for k, v in given.items() if k in IDENTITY_FIELDS})
    if identity.clean_start != (identity.expiry_interval == 0):
        identity = replace(identity, clean_start=identity.expiry_interval == 0)
    state = ConnState(given.get("state", client.state))
    if state is ConnState.DISCONNECTED and identity.expiry_interval == 0:
        identity = replace(identity, expiry_interval=7200, clean_start=False)
    limits = replace(client.limits, **{k: v for k, v in given.items() if k in LIMIT_FIELDS})
    result = replace(client, identity=identity, limits=limits)
    if "state" in given or identity != client.identity:
        times = timeline(
            np.random.default_rng(rng.getrandbits(64)),
            now_ms,
            np.array([identity.expiry_interval], dtype=np.int64),
            np.array([identity.clean_start], dtype=np.bool_),
            np.array([STATES.index(state)], dtype=np.int8),
        )
        disconnected = int(times.disconnected_at_ms[0])
        result.state = state
        result.created_at_ms, result.connected_at_ms = int(times.created_at_ms[0]), int(times.connected_at_ms[0])
        result.disconnected_at_ms = None if disconnected == NO_TIME else disconnected
    queued, inflight = given.get("mqueue"), given.get("inflight")
    if queued is not None:
        result.traffic = replace(result.traffic, mqueue_len=int(queued["count"]), mqueue_topic=str(queued["topic"]),
                                 message_qos=int(queued.get("qos", 1)))  # fmt: skip
    if inflight is not None:
        qos = int(inflight.get("qos", 1))
        result.traffic = replace(result.traffic, inflight_cnt=int(inflight["count"]),
                                 inflight_topic=str(inflight["topic"]), message_qos=qos)  # fmt: skip
    if "subscriptions" in given:
        result.subscriptions = {topic: SubOpts(qos=int(qos)) for topic, qos in given["subscriptions"].items()}
    elif result.state is ConnState.IDLE or len(result.subscriptions) > limits.subscriptions_max:
        result.subscriptions = {}
    return result


def given_client(spec: PopulationSpec, clientid: str, given: Mapping[str, Any], now_ms: int) -> Client:
    """A client put in place at run time: generated as `spec` generates clients, with the fields `given`; the
    same client for the same seed, clientid and fields."""
    rng = random.Random(f"{spec.seed}:given:{clientid}")
    core = draw(np.random.default_rng(rng.getrandbits(64)), 1, spec, now_ms, [clientid])
    return override(rng, materialize(core, 0, spec), given, now_ms)
