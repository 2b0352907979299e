"""The pytest plugin in fresh pytest sessions, as a user's project runs it: the README's example, its options
and marker, and 40 tests on 4 xdist workers that each change their own deployment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"

ISOLATED = """
import pytest

@pytest.mark.parametrize("n", range(40))
@pytest.mark.emqx_sim(clients=200, seed=11, clock="2023-09-15T09:36:20Z")
def test_my_changes_are_mine_alone(emqx_sim, n):
    api = emqx_sim.client()
    page = api.get("/clients", params={"_limit": 100}).json()
    assert page["meta"]["count"] == 200, "another test's kick reached this deployment"
    ids = [client["clientid"] for client in page["data"]]
    assert api.delete(f"/clients/{ids[n]}").status_code == 204
    assert api.get("/clients").json()["meta"]["count"] == 199
    target = ids[60]
    before = {s["topic"] for s in api.get(f"/clients/{target}/subscriptions").json()}
    assert not any(topic.startswith("mine/") for topic in before), "another test's subscription is here"
    assert api.post(f"/clients/{target}/subscribe", json={"topic": f"mine/{n}", "qos": 1}).status_code == 200
    after = {s["topic"] for s in api.get(f"/clients/{target}/subscriptions").json()}
    assert after == before | {f"mine/{n}"}
    emqx_sim.fault("getClient", status=503, times=1)
    assert api.get(f"/clients/{ids[70]}").status_code == 503
    assert api.get(f"/clients/{ids[70]}").status_code == 200
    assert [e["status"] for e in emqx_sim.journal(operation="getClient")] == [200, 503]
    assert [e["status"] for e in emqx_sim.journal(operation="kickClient")] == [204]
    now = emqx_sim.clock.advance(60 * (n + 1))
    assert now.isoformat() == emqx_sim.clock.now.isoformat()
    assert (now.hour, now.minute) == divmod(9 * 60 + 36 + n + 1, 60)
"""

OPTIONS = """
import pytest

def test_options_reach_every_deployment(emqx_sim):
    assert emqx_sim.status()["seed"] == 4242
    assert emqx_sim.dialect == "emqx5"
    assert emqx_sim.client().get("/clients", params={"limit": 2}).json()["meta"]["limit"] == 2

@pytest.mark.emqx_sim(dialect="cloud", seed=1, scenario={"description": "x", "population": {"clients": 3}})
def test_the_marker_wins(emqx_sim):
    assert (emqx_sim.status()["seed"], emqx_sim.status()["clients"], emqx_sim.dialect) == (1, 3, "cloud")

@pytest.mark.emqx_sim(scenario="no-such-scenario")
def test_an_unknown_scenario_errors(emqx_sim):
    pass
"""


def readme_example() -> str:
    section = README.read_text(encoding="utf-8").split("## Use it from your tests", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found is not None, "the README's plugin section has no Python example"
    return found.group(1)


@pytest.mark.slow
def test_the_readme_example_passes_in_a_fresh_session(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_example=readme_example())
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


@pytest.mark.slow
def test_options_and_the_marker_set_the_deployment(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_options=OPTIONS)
    options = ("--emqx-sim-seed", "4242", "--emqx-sim-dialect", "emqx5")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *options)
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*SimError: 404 NOT_FOUND: unknown scenario 'no-such-scenario'*"])


@pytest.mark.slow
def test_forty_tests_on_four_workers_never_see_each_other(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_isolated=ISOLATED)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "xdist", "-n", "4")
    result.assert_outcomes(passed=40)
