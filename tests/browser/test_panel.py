"""The control panel in a real headless Chromium: sign in, read the overview, move the clock, inject a fault,
kick a client, download and upload the state, switch deployments; a screenshot of each step, and axe-core."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from simulator.app import create_app
from tests.conftest import AUTH, make_config
from tests.servers import serving

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "assets" / "axe.min.js"


class Panel:
    """The panel open in `browser`, and the API it drives, for one test."""

    def __init__(self, browser: WebDriver, base: str, shots: Path) -> None:
        self.browser = browser
        self.base = base
        self.api = httpx.Client(base_url=base, auth=AUTH, timeout=10)
        self.shots = shots
        self.wait = WebDriverWait(browser, 15, poll_frequency=0.1)

    def find(self, css: str) -> WebElement:
        return self.browser.find_element(By.CSS_SELECTOR, css)

    def text(self, css: str) -> str:
        return str(self.find(css).text)

    def until(self, check: Callable[[], Any], what: str) -> Any:
        return self.wait.until(lambda _: check(), what)

    def show(self, css: str) -> None:
        """Scroll the element into the middle of the window, for the screenshot."""
        self.browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", self.find(css))

    def shot(self, name: str) -> None:
        path = self.shots / f"panel-{name}.png"
        assert self.browser.save_screenshot(str(path))
        assert path.stat().st_size > 10_000

    def sign_in(self, by_keyboard: bool = False) -> None:
        self.browser.get(f"{self.base}/_sim/panel")
        self.until(lambda: self.find("#app-id").is_displayed(), "the sign-in form")
        if by_keyboard:  # the form has the focus: type, tab, type, Enter
            assert self.browser.switch_to.active_element == self.find("#app-id")
            self.browser.switch_to.active_element.send_keys("app_id", Keys.TAB)
            self.browser.switch_to.active_element.send_keys("app_secret")
            assert self.axe() == []
            self.shot("sign-in")
            self.browser.switch_to.active_element.send_keys(Keys.ENTER)
        else:
            self.find("#app-id").send_keys("app_id")
            self.find("#app-secret").send_keys("app_secret")
            self.find("#login-form button[type=submit]").click()
        self.until(lambda: self.find("body").get_attribute("data-ready") == "true", "the panel after sign-in")
        self.until(lambda: self.text("#count-total") != "", "the overview's counts")

    def count(self, query: str) -> int:
        answer = self.api.get(f"/clients?_limit=1&{query}")
        assert answer.status_code == 200, answer.text
        return int(answer.json()["meta"]["count"])

    def axe(self) -> list[dict[str, Any]]:
        """The serious and critical violations axe-core finds in the page as it is."""
        self.browser.execute_script(AXE.read_text(encoding="utf-8"))
        found = self.browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then((r) => done(r.violations), (e) => done(String(e)));"
        )
        assert isinstance(found, list), found
        return [v for v in found if v["impact"] in ("serious", "critical")]


@contextmanager
def panel(browser: WebDriver, tmp_path: Path, app: Any = None, **config: Any) -> Iterator[Panel]:
    with serving(app or create_app(make_config(**config))) as base:
        opened = Panel(browser, base, tmp_path)
        try:
            yield opened
        finally:
            opened.api.close()


def _rows(panel: Panel, table: str) -> list[list[str]]:
    return [
        [cell.text for cell in row.find_elements(By.CSS_SELECTOR, "td")]
        for row in panel.browser.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr:not(.empty)")
    ]


def _number(text: str) -> int:
    return int(text.replace(",", "").replace("≈", "").strip())


def test_the_panel_counts_as_the_api_does_and_moves_the_clock(browser: WebDriver, tmp_path: Path) -> None:
    with panel(browser, tmp_path, clients=400, churn=True) as p:
        browser.get(f"{p.base}/_sim/panel/")
        p.until(lambda: p.find("#app-id").is_displayed(), "the sign-in form")
        p.find("#app-id").send_keys("app_id")
        p.find("#app-secret").send_keys("wrong")
        p.find("#login-form button[type=submit]").click()
        p.until(lambda: p.text("#login-error") == "Wrong App ID or App Secret.", "the refusal")
        assert not p.find("#app").is_displayed()
        p.sign_in()
        assert browser.current_url.endswith("/_sim/panel/")
        assert _number(p.text("#count-total")) == p.count("")
        for state in ("connected", "idle", "disconnected"):
            assert _number(p.text(f"#count-{state}")) == p.count(f"conn_state={state}"), state
        # The Cloud API has no node filter: its listing, filtered by state, counted by each client's node.
        for node, *counts in _rows(p, "by-node"):
            for state, shown in zip(("connected", "idle", "disconnected"), counts, strict=True):
                listed = p.api.get(f"/clients?_limit=1000&conn_state={state}").json()["data"]
                assert _number(shown) == sum(1 for client in listed if client["node"] == node), (node, state)
        for name, version, clients in _rows(p, "by-protocol"):
            assert _number(clients) == p.count(f"proto_name={name}&proto_ver={version}"), (name, version)
        assert len(_rows(p, "top-filters")) == 10
        p.shot("overview")

        series = p.find("#chart-series svg").get_attribute("aria-label")
        before = p.api.get("/_sim/clock").json()["now_ms"]
        p.show("#clock")
        p.find("[data-advance='3600']").click()
        p.until(lambda: p.find("#chart-series svg").get_attribute("aria-label") != series, "the series to move")
        assert p.api.get("/_sim/clock").json()["now_ms"] == before + 3_600_000
        samples = p.api.get("/_sim/overview").json()["series"]
        assert [s["time_ms"] for s in samples[-2:]] == [before, before + 3_600_000]
        assert samples[-1]["connected"] != samples[-2]["connected"]  # churn moved in the hour
        assert f"latest: {samples[-1]['total']:,} total" in str(p.find("#chart-series svg").get_attribute("aria-label"))
        assert _number(p.text("#count-total")) == p.count("")
        p.show("#chart-series-title")
        p.shot("clock-advanced")


def test_a_fault_preset_a_kick_and_the_state_round_trip(browser: WebDriver, tmp_path: Path) -> None:
    with panel(browser, tmp_path, clients=120) as p:
        p.sign_in()
        p.api.delete("/_sim/journal")
        p.find("[data-preset='kick']").click()
        p.until(lambda: _rows(p, "fault-rules"), "the preset's rule")
        [rule] = _rows(p, "fault-rules")
        assert rule[1] == "kickClient" and rule[2].startswith("503") and rule[6] == "1", rule
        failed = p.api.delete("/clients/client_1")
        assert failed.status_code == 503, failed.text
        assert p.api.get("/clients/client_1").status_code == 200
        p.until(lambda: p.browser.find_elements(By.CSS_SELECTOR, "#journal-entries li[data-status='503']"), "the 503")
        entry = p.find("#journal-entries li[data-status='503']")
        assert entry.get_attribute("data-operation") == "kickClient"
        entry.find_element(By.CSS_SELECTOR, "summary").click()
        p.until(lambda: "Latency" in p.text("#journal-entries li[data-status='503']"), "the entry's details")
        assert "DELETE /api/v5/clients/client_1" in entry.text and "503" in entry.text
        # The journal refreshes as requests come in, and the entry keeps the focus and stays open.
        summary = p.browser.switch_to.active_element
        key = summary.get_attribute("data-key")
        assert key and summary.tag_name == "summary"
        assert p.api.get("/clients/client_1").status_code == 200
        p.until(lambda: len(p.browser.find_elements(By.CSS_SELECTOR, "#journal-entries li")) == 2, "the new entry")
        assert p.browser.switch_to.active_element.get_attribute("data-key") == key
        assert "Latency" in p.find("#journal-entries li[data-status='503']").text
        p.until(lambda: not _rows(p, "fault-rules"), "the used-up rule to go")
        p.show("#journal")
        p.shot("kick-fails")

        p.find("#client-like").send_keys("mqttx_07")
        p.find("#client-search button[type=submit]").click()
        found = p.until(lambda: p.browser.find_elements(By.CSS_SELECTOR, "#client-results button"), "the search")
        assert [button.text for button in found] == ["mqttx_07cb8109"]
        found[0].click()
        p.until(lambda: p.find("#client-actions").is_displayed(), "the client's actions")
        assert '"clientid": "mqttx_07cb8109"' in p.text("#client-answer")
        p.find("#sub-topic").send_keys("panel/t")
        p.find("#client-subscribe button[type=submit]").click()
        p.until(lambda: "subscribed to panel/t" in p.text("#status"), "the subscription")
        Select(p.find("#client-state")).select_by_value("disconnected")
        p.find("#client-set-state").click()
        p.until(lambda: '"disconnected_at"' in p.text("#client-answer"), "the client shown disconnected")
        assert p.api.get("/clients/mqttx_07cb8109").json()["connected"] is False
        held = p.api.get("/clients/mqttx_07cb8109/subscriptions").json()
        assert "panel/t" in [subscription["topic"] for subscription in held], held
        p.find("#client-kick").click()
        p.until(lambda: "404" in p.text("#client-answer-status"), "the kicked client's 404")
        assert p.api.get("/clients/mqttx_07cb8109").status_code == 404
        p.shot("client-kicked")
        journal = p.api.get("/_sim/journal").json()["data"]
        # The test's own calls, newest first; none of the panel's (its look-ups, its kick).
        assert [(e["operationId"], e["status"]) for e in journal] == [
            ("getClient", 404),
            ("listSubscriptions", 200),
            ("getClient", 200),
            ("getClient", 200),
            ("getClient", 200),
            ("kickClient", 503),
        ]

        listed = p.api.get("/clients?_limit=200").content
        p.find("#state-download").click()
        download = tmp_path / "downloads" / "emqx-sim-state.json"
        p.until(download.exists, "the downloaded state")
        time.sleep(0.2)  # the file is renamed into place once written
        assert json.loads(download.read_text())["removed"] == ["mqttx_07cb8109"]
        assert p.api.delete("/clients/client_1").status_code == 204
        assert p.api.post("/clients/sensor-x/subscribe", json={"topic": "t/x"}).status_code == 404
        p.find("#state-file").send_keys(str(download))
        p.find("#state-upload button[type=submit]").click()
        p.until(lambda: "State loaded" in p.text("#status"), "the state upload")
        assert p.api.get("/clients?_limit=200").content == listed
        assert p.api.get("/clients/client_1").status_code == 200
        p.show("#state")
        p.shot("state-restored")

        assert [o.get_attribute("value") for o in Select(p.find("#deployment")).options] == ["default"]
        assert p.axe() == []
        resources = p.browser.execute_script(
            "return performance.getEntriesByType('resource').map((e) => e.name).concat([location.href]);"
        )
        assert resources and all(str(name).startswith(p.base.removesuffix("/api/v5")) for name in resources)
        answered = "the server responded with a status of"  # the API's own 404s, which the panel shows
        assert not [e for e in p.browser.get_log("browser") if e["level"] == "SEVERE" and answered not in e["message"]]


def test_the_deployment_switcher_changes_the_panels_deployment(browser: WebDriver, tmp_path: Path) -> None:
    with panel(browser, tmp_path, clients=60) as p:
        made = p.api.post("/_sim/deployments", json={"clients": 25, "scenario": "empty"}).json()
        p.sign_in(by_keyboard=True)
        p.until(lambda: p.find("#deployments").is_displayed(), "the deployment switcher")
        switcher = Select(p.find("#deployment"))
        assert [option.get_attribute("value") for option in switcher.options] == ["default", made["id"]]
        assert switcher.first_selected_option.get_attribute("value") == "default"
        assert _number(p.text("#count-total")) == 60
        switcher.select_by_value(made["id"])
        p.until(lambda: p.text("#signed-in") == f"Signed in as {made['app_id']}", "the switch")
        p.until(lambda: _number(p.text("#count-total")) == 25, "the isolated deployment's overview")
        p.browser.refresh()
        p.until(lambda: p.find("body").get_attribute("data-ready") == "true", "the panel after a reload")
        p.until(lambda: p.find("#deployments").is_displayed(), "the switcher after a reload")
        assert Select(p.find("#deployment")).first_selected_option.get_attribute("value") == made["id"]
        assert p.axe() == []
        p.shot("deployments")
        Select(p.find("#deployment")).select_by_value("default")
        p.until(lambda: _number(p.text("#count-total")) == 60, "the default deployment's overview again")
