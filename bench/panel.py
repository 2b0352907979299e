"""`make bench-panel`: how long the control panel takes to load, and the overview to answer, at a given scale.

It starts `emqx-sim serve` on a free 127.0.0.1 port, opens the panel in headless Chromium with the credentials
already in the tab's session storage, and times each load from navigation to the panel being filled (overview,
faults, journal, scenarios and the deployment switcher answered and drawn); then times `GET /_sim/overview`
alone. The server is stopped by its PID.
"""

from __future__ import annotations

import argparse
import base64
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
AUTH = "Basic " + base64.b64encode(b"app_id:app_secret").decode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Authorization": AUTH})
    with urllib.request.urlopen(request, timeout=30) as answer:
        body: bytes = answer.read()
        return body


def _wait_ready(api: str, timeout: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            _get(f"{api}/_sim/status")
            return time.perf_counter() - started
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the simulator did not answer within {timeout} s")


def _browser(profile: str) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
    flags += ["--disable-background-networking", "--window-size=1400,1000", f"--user-data-dir={profile}"]
    for flag in flags:
        options.add_argument(flag)
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=service)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--ready-timeout", type=float, default=300)
    args = parser.parse_args()
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api/v5"
    command = [sys.executable, "-m", "simulator", "serve", "--port", str(port), "--clients", str(args.clients),
               "--no-progress", "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT)
    try:
        ready = _wait_ready(api, args.ready_timeout)
        overview = []
        for _ in range(20):
            started = time.perf_counter()
            _get(f"{api}/_sim/overview")
            overview.append((time.perf_counter() - started) * 1000)
        with tempfile.TemporaryDirectory() as profile:
            browser = _browser(profile)
            try:
                browser.get(f"{api}/_sim/panel/favicon.svg")  # the origin, to put the credentials in its storage
                browser.execute_script(
                    "sessionStorage.setItem('emqx-sim-panel-credentials', JSON.stringify({appId: 'app_id', "
                    "appSecret: 'app_secret'}));"
                )
                loads = []
                for _ in range(args.loads):
                    started = time.perf_counter()
                    browser.get(f"{api}/_sim/panel/")
                    WebDriverWait(browser, 30, poll_frequency=0.01).until(
                        lambda b: b.execute_script("return document.body.dataset.ready === 'true'")
                    )
                    loads.append((time.perf_counter() - started) * 1000)
            finally:
                browser.quit()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        json.dumps(
            {
                "clients": args.clients,
                "ready_s": round(ready, 1),
                "overview_ms": {"median": round(statistics.median(overview), 1), "max": round(max(overview), 1)},
                "panel_load_ms": {"median": round(statistics.median(loads), 1), "max": round(max(loads), 1)},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
