"""The command line: flags and EMQX_SIM_* variables to one Config, and a real server that starts and stops."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from simulator.app import create_app
from simulator.cli import config_from, parser
from simulator.config import Config
from tests.conftest import FROZEN_AT


def _config(argv: list[str], env: dict[str, str] | None = None) -> Config:
    return config_from(parser(env or {}).parse_args(["serve", *argv]))


def test_defaults() -> None:
    config = _config([])
    assert (config.host, config.port, config.clients, config.nodes) == ("127.0.0.1", 18083, None, None)
    assert (config.scenario, config.scenario_dirs, config.churn, config.journal_size) == ("default", (), False, 1000)
    assert config.state_file is None
    assert (config.app_id, config.app_secret, config.frozen_at_ms) == ("app_id", "app_secret", None)
    assert (config.lenient, config.validate_responses, config.cors_origins) == (False, False, ("*",))
    assert config.base_url == "http://127.0.0.1:18083/api/v5"


@pytest.mark.parametrize(
    ("argv", "env", "seed", "clients"),
    [
        ([], {}, 31, 12),
        (["--seed", "9", "--clients", "5"], {}, 9, 5),
        ([], {"EMQX_SIM_SEED": "8", "EMQX_SIM_CLIENTS": "4"}, 8, 4),
        (["--seed", "9", "--clients", "5"], {"EMQX_SIM_SEED": "8", "EMQX_SIM_CLIENTS": "4"}, 9, 5),
        (["--scenario", "default"], {}, 20230915, 1000),
    ],
)
def test_a_flag_beats_the_environment_which_beats_the_scenario(
    tmp_path: Path, argv: list[str], env: dict[str, str], seed: int, clients: int
) -> None:
    scenario = tmp_path / "seeded.yaml"
    scenario.write_text("description: A seeded scenario.\npopulation: {seed: 31, clients: 12}\n", encoding="utf-8")
    config = _config(["--scenario", str(scenario), *argv], env)
    status = create_app(config).deployment.simulation.status()
    assert (status.seed, status.clients) == (seed, clients)


def test_every_flag() -> None:
    config = _config(
        [
            "--host", "0.0.0.0", "--port", "9000", "--seed", "5", "--clients", "20", "--nodes", "2",
            "--clock", "2023-09-15T09:36:20Z", "--app-id", "k", "--app-secret", "s", "--lenient",
            "--validate-responses", "--cors-origin", "http://a", "--cors-origin", "http://b", "--log-level", "debug",
        ]
    )  # fmt: skip
    assert config == Config(
        host="0.0.0.0",
        port=9000,
        seed=5,
        clients=20,
        nodes=2,
        frozen_at_ms=FROZEN_AT,
        app_id="k",
        app_secret="s",
        lenient=True,
        validate_responses=True,
        cors_origins=("http://a", "http://b"),
        log_level="debug",
    )


def test_the_limits_of_isolated_deployments() -> None:
    config = _config(["--max-deployments", "8", "--deployment-client-budget", "80000", "--deployment-ttl", "1.5"])
    assert (config.max_deployments, config.deployment_client_budget, config.deployment_ttl_s) == (8, 80000, 1.5)
    from_env = _config([], {"EMQX_SIM_MAX_DEPLOYMENTS": "3", "EMQX_SIM_DEPLOYMENT_TTL": "60"})
    assert (from_env.max_deployments, from_env.deployment_ttl_s) == (3, 60.0)
    assert _config([]).max_deployments == 64 and _config([]).deployment_ttl_s == 3600.0


def test_environment_variables_and_flags_over_them() -> None:
    env = {
        "EMQX_SIM_PORT": "9100",
        "EMQX_SIM_CLIENTS": "7",
        "EMQX_SIM_CLOCK": "2023-09-15T09:36:20Z",
        "EMQX_SIM_LENIENT": "true",
        "EMQX_SIM_CORS_ORIGIN": "http://a, http://b",
        "EMQX_SIM_APP_SECRET": "from-env",
    }
    config = _config([], env)
    assert (config.port, config.clients, config.frozen_at_ms, config.lenient) == (9100, 7, FROZEN_AT, True)
    assert config.cors_origins == ("http://a", "http://b") and config.app_secret == "from-env"
    assert _config(["--port", "9200", "--clients", "9"], env).port == 9200


@pytest.mark.parametrize(
    "argv",
    [
        ["--port", "70000"],
        ["--clients", "-1"],
        ["--nodes", "0"],
        ["--clock", "yesterday"],
        ["--seed", "x"],
        ["--max-deployments", "-1"],
        ["--deployment-client-budget", "lots"],
        ["--deployment-ttl", "0"],
        ["--deployment-ttl", "nan"],
    ],
)
def test_bad_flags_are_refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        _config(argv)
    assert caught.value.code == 2
    assert "error: argument" in capsys.readouterr().err


def test_bad_environment_value_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        _config([], {"EMQX_SIM_PORT": "eighty"})
    assert "--port" in capsys.readouterr().err


@pytest.mark.parametrize(("variable", "value"), [("EMQX_SIM_DIALECT", "emqx4"), ("EMQX_SIM_LOG_LEVEL", "loud")])
def test_a_choice_from_the_environment_is_checked(
    variable: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        _config([], {variable: value})
    assert caught.value.code == 2
    assert f"{variable}: {value!r} is not one of" in capsys.readouterr().err


def test_the_dialect_and_the_dashboard_login(tmp_path: Path) -> None:
    assert _config([]).dialect == "cloud"
    assert _config([], {"EMQX_SIM_DIALECT": "emqx5"}).dialect == "emqx5"
    flags = ["--dialect", "emqx5", "--dashboard-user", "ops", "--dashboard-password", "s3cret!x"]
    config = _config([*flags, "--static-dir", str(tmp_path)], {"EMQX_SIM_DIALECT": "cloud"})
    assert (config.dialect, config.dashboard_user, config.dashboard_password) == ("emqx5", "ops", "s3cret!x")
    assert config.static_dir == tmp_path


def test_bad_boolean_environment_value_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        _config([], {"EMQX_SIM_LENIENT": "maybe"})
    assert caught.value.code == 2
    assert "EMQX_SIM_LENIENT: 'maybe' is not a boolean" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_serve_prints_where_it_is_and_stops_cleanly_on_sigterm() -> None:
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "simulator",
        "serve",
        "--port",
        str(port),
        "--clients",
        "50",
        "--log-level",
        "warning",
    ]
    env = {**os.environ, "EMQX_SIM_SEED": "3"}
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        base = f"http://127.0.0.1:{port}/api/v5"
        for _ in range(100):
            try:
                response = httpx.get(f"{base}/clients?_limit=1", auth=("app_id", "app_secret"), timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert response.status_code == 200
        assert response.json()["meta"]["count"] == 50
        assert httpx.get(f"{base}/ui/", timeout=2).status_code == 200
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=15)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert server.returncode == 0, err
    assert f"{base}" in out and f"{base}/ui/" in out and "app_id:app_secret" in out
    assert "Traceback" not in err


class Server:
    """`python -m simulator serve` on a free loopback port, stopped by SIGTERM."""

    def __init__(self, *flags: str) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}/api/v5"
        command = [sys.executable, "-m", "simulator", "serve", "--port", str(self.port), "--log-level", "warning"]
        self.process = subprocess.Popen([*command, *flags], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def ready(self) -> None:
        for _ in range(150):
            if self.process.poll() is not None:
                raise AssertionError(self.process.communicate()[1])
            try:
                httpx.get(f"{self.base}/clients?_limit=1", auth=("app_id", "app_secret"), timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError("the simulator did not start")

    def stop(self) -> tuple[int, str, str]:
        self.process.send_signal(signal.SIGTERM)
        out, err = self.process.communicate(timeout=20)
        return self.process.returncode, out, err


@pytest.mark.slow
def test_state_file_survives_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state" / "sim.json"
    auth = ("app_id", "app_secret")
    first = Server("--clients", "60", "--state-file", str(state), "--clock", "2023-09-15T09:36:20Z")
    try:
        first.ready()
        assert httpx.delete(f"{first.base}/clients/client_1", auth=auth).status_code == 204
        body = [{"topic": "kept/#", "qos": 1}]
        assert (
            httpx.post(f"{first.base}/clients/mqttx_07cb8109/subscribe/bulk", auth=auth, json=body).status_code == 200
        )
        listing = httpx.get(f"{first.base}/clients?_limit=10000", auth=auth).content
    finally:
        code, out, _ = first.stop()
    assert code == 0 and f"State saved to {state}" in out and state.exists()
    second = Server("--clients", "60", "--state-file", str(state))
    try:
        second.ready()
        assert httpx.get(f"{second.base}/clients/client_1", auth=auth).status_code == 404
        assert httpx.get(f"{second.base}/clients/mqttx_07cb8109", auth=auth).json()["subscriptions_cnt"] == 1
        assert httpx.get(f"{second.base}/clients?_limit=10000", auth=auth).content == listing
        assert httpx.get(f"{second.base}/_sim/clock", auth=auth).json()["frozen"] is True
    finally:
        assert second.stop()[0] == 0


def _refused_serve(*flags: str) -> subprocess.CompletedProcess[str]:
    """`emqx-sim serve` on a free port with `flags` it is expected to refuse (it exits rather than serves)."""
    command = [sys.executable, "-m", "simulator", "serve", "--port", str(_free_port()), *flags]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def test_a_corrupt_state_file_is_a_clear_error(tmp_path: Path) -> None:
    state = tmp_path / "broken.json"
    state.write_text('{"format": "emqx-sim-state/1", "scenario": "x", "spec": {}', encoding="utf-8")
    done = _refused_serve("--state-file", str(state))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert str(state) in done.stderr and "not JSON" in done.stderr and "Traceback" not in done.stderr
    assert state.read_text(encoding="utf-8").endswith('"spec": {}')


@pytest.mark.slow
def test_a_malformed_scenario_names_the_file_and_the_field(tmp_path: Path) -> None:
    scenario = tmp_path / "bad.yaml"
    scenario.write_text("description: broken\npopulation:\n  clients: many\n", encoding="utf-8")
    done = _refused_serve("--scenario", str(scenario))
    assert done.returncode == 2
    assert f"{scenario}: population.clients: 'many' is not of type 'integer'" in done.stderr
    assert "Traceback" not in done.stderr
    unknown = _refused_serve("--scenario", "nope")
    assert unknown.returncode == 2 and "unknown scenario 'nope'" in unknown.stderr
