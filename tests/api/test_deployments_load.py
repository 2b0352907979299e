"""Eight isolated deployments of 10,000 clients under a concurrent mixed load on a real socket: no error, and
nothing of one is seen from another."""

from __future__ import annotations

import random
import threading
from typing import Any

import httpx
import pytest

from simulator.app import create_app
from tests.conftest import AUTH, make_config
from tests.servers import serving

DEPLOYMENTS = 8
CLIENTS = 10_000
ROUNDS = 60
FROZEN = "2023-09-15T09:36:20Z"
"""A clock that stands still: no session expires while the counts are checked."""


def load(url: str, made: dict[str, Any], index: int, others: list[tuple[str, str]], failures: list[str]) -> None:
    """A dashboard's mix on one deployment: pages and filters, look-ups, subscriptions, kicks; every answer
    checked, and every change checked to be invisible from the other deployments."""
    rng = random.Random(index)
    auth = (made["app_id"], made["app_secret"])
    with httpx.Client(base_url=url, auth=auth, timeout=60) as api, httpx.Client(base_url=url, timeout=60) as peer:
        mine = f"only-in-{index}"
        if api.put(f"/_sim/clients/{mine}", json={"state": "connected"}).status_code != 201:
            failures.append(f"{index}: put")
        expected = CLIENTS + 1
        for round in range(ROUNDS):
            page = api.get("/clients", params={"_page": rng.randint(1, 50), "_limit": 50, "conn_state": "connected"})
            if page.status_code != 200:
                failures.append(f"{index}: list {page.status_code}")
                continue
            data = page.json()["data"]
            whole = api.get("/clients", params={"_limit": 1}).json()["meta"]["count"]
            if whole != expected:
                failures.append(f"{index}: {whole} clients, {expected} expected")
            if not data:
                continue
            clientid = rng.choice(data)["clientid"]
            if api.get(f"/clients/{clientid}").status_code != 200:
                failures.append(f"{index}: get {clientid}")
            topic = f"load/{index}/{round}"
            if api.post(f"/clients/{clientid}/subscribe", json={"topic": topic, "qos": 1}).status_code != 200:
                failures.append(f"{index}: subscribe")
            if round % 3 == 0 and clientid != mine:
                if api.delete(f"/clients/{clientid}").status_code != 204:
                    failures.append(f"{index}: kick")
                expected -= 1
        for other in others:
            if peer.get(f"/clients/{mine}", auth=other).status_code != 404:
                failures.append(f"{index}: {mine} is seen from another deployment")


@pytest.mark.slow
def test_eight_deployments_under_load_never_leak() -> None:
    app = create_app(make_config(clients=10, deployment_client_budget=DEPLOYMENTS * CLIENTS))
    with serving(app) as url, httpx.Client(base_url=url, auth=AUTH, timeout=120) as control:
        made = []
        for index in range(DEPLOYMENTS):
            answer = control.post("/_sim/deployments", json={"clients": CLIENTS, "seed": 100 + index, "clock": FROZEN})
            assert answer.status_code == 201, answer.text
            made.append(answer.json())
        credentials = [(item["app_id"], item["app_secret"]) for item in made]
        failures: list[str] = []
        threads = [
            threading.Thread(
                target=load, args=(url, item, index, credentials[:index] + credentials[index + 1 :], failures)
            )
            for index, item in enumerate(made)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        journals = [control.get("/_sim/journal", auth=auth, params={"limit": 1000}).json() for auth in credentials]
        assert all(journal["meta"]["size"] == journals[0]["meta"]["size"] for journal in journals)
        assert control.get("/_sim/journal").json()["meta"]["size"] == 0
        assert control.get("/clients").json()["meta"]["count"] == 10
