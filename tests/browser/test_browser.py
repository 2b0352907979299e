"""The generated reference and the Swagger UI in a real headless Chromium, with a screenshot of each."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from simulator import spec
from simulator.app import create_app
from simulator.docs import write
from tests.conftest import make_config
from tests.servers import serving

pytestmark = pytest.mark.browser


def _client_operations() -> list[str]:
    document = spec.load()
    return [op["operationId"] for item in document["paths"].values() for key, op in item.items() if key != "parameters"]


def test_the_reference_shows_every_operation_and_client_field(browser: WebDriver, tmp_path: Path) -> None:
    site = tmp_path / "site"
    write(site)
    browser.get((site / "index.html").as_uri())
    browser.find_element(By.CSS_SELECTOR, "nav a[href='clients.html']").click()
    for operation in _client_operations():
        section = browser.find_element(By.ID, f"op-{operation}")
        assert section.is_displayed(), operation
    lookup = browser.find_element(By.ID, "op-getClient")
    shown = {
        cell.text.split(" ")[0] for cell in lookup.find_elements(By.CSS_SELECTOR, "table.fields.response td.field-name")
    }
    client_fields = set(spec.load()["components"]["schemas"]["MqttClient"]["properties"])
    assert client_fields <= shown
    listing = browser.find_element(By.ID, "op-listClients")
    listed = {cell.text for cell in listing.find_elements(By.CSS_SELECTOR, "table.fields.response td.field-name")}
    assert {f"data[].{name}" for name in client_fields} <= listed
    browser.find_element(By.CSS_SELECTOR, "nav a[href='#op-kickClient']").click()
    assert browser.save_screenshot(str(tmp_path / "reference.png"))
    assert (tmp_path / "reference.png").stat().st_size > 10_000


SOURCE_SHOWN = """
const shown = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode;
  if (node.parentElement.closest("code, pre, script, style")) continue;
  if (node.textContent.includes("**") || node.textContent.includes("`")) shown.push(node.textContent);
}
return shown;
"""


def _shown(browser: WebDriver, selector: str) -> list[str]:
    return [
        str(e.get_attribute("data-operation-id"))
        for e in browser.find_elements(By.CSS_SELECTOR, selector)
        if e.is_displayed()
    ]


def test_the_reference_shows_no_markdown_source_and_filters_operations(browser: WebDriver, tmp_path: Path) -> None:
    site = tmp_path / "site"
    write(site)
    for page in ("index.html", "clients.html", "emqx5.html", "control.html"):
        browser.get((site / page).as_uri())
        assert browser.execute_script(SOURCE_SHOWN) == [], page
    browser.get((site / "index.html").as_uri())
    assert browser.find_element(By.CSS_SELECTOR, "#ref-clients strong").text.startswith("Simulator only")
    assert browser.save_screenshot(str(tmp_path / "reference-index.png"))
    browser.get((site / "clients.html").as_uri())
    everything = _shown(browser, "section.operation")
    assert len(everything) == len(_client_operations())
    search = browser.find_element(By.ID, "filter")
    search.send_keys("kick")
    assert _shown(browser, "section.operation") == ["kickClient", "bulkKick"]
    assert len([a for a in browser.find_elements(By.CSS_SELECTOR, "nav a[data-search]") if a.is_displayed()]) == 2
    assert browser.save_screenshot(str(tmp_path / "reference-filtered.png"))
    search.clear()
    search.send_keys("subscriptions_cnt GET")  # a response field and a method: the operations that show the client
    assert _shown(browser, "section.operation") == ["listClients", "getClient"]
    search.send_keys(" nothing-like-this")
    assert _shown(browser, "section.operation") == []
    assert browser.find_element(By.ID, "no-match").is_displayed()
    search.clear()
    search.send_keys("x")
    search.send_keys(Keys.BACKSPACE)
    assert _shown(browser, "section.operation") == everything


def test_swagger_ui_lists_every_operation_and_tries_a_list_call(browser: WebDriver, tmp_path: Path) -> None:
    wait = WebDriverWait(browser, 20)
    with serving(create_app(make_config(clients=30))) as base:
        browser.get(f"{base}/ui/")
        wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".opblock")))
        blocks = browser.find_elements(By.CSS_SELECTOR, ".opblock")
        ids = {block.get_attribute("id") for block in blocks}
        for operation in _client_operations():
            assert any(str(i).endswith(f"-{operation}") for i in ids), operation
        assert not [
            entry
            for entry in browser.get_log("browser")
            if "127.0.0.1" not in entry["message"] and entry["level"] == "SEVERE"
        ]
        browser.find_element(By.CSS_SELECTOR, ".auth-wrapper .authorize").click()
        wait.until(expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, ".modal-ux input[type=text]")))
        browser.find_element(By.CSS_SELECTOR, ".modal-ux input[type=text]").send_keys("app_id")
        browser.find_element(By.CSS_SELECTOR, ".modal-ux input[type=password]").send_keys("app_secret")
        browser.find_element(By.CSS_SELECTOR, ".modal-ux .auth-btn-wrapper .authorize").click()
        browser.find_element(By.CSS_SELECTOR, ".modal-ux .btn-done").click()
        listing = next(block for block in blocks if str(block.get_attribute("id")).endswith("-listClients"))
        listing.find_element(By.CSS_SELECTOR, ".opblock-summary").click()
        wait.until(lambda _: listing.find_elements(By.CSS_SELECTOR, ".try-out__btn"))
        listing.find_element(By.CSS_SELECTOR, ".try-out__btn").click()
        wait.until(lambda _: listing.find_elements(By.CSS_SELECTOR, ".execute"))
        listing.find_element(By.CSS_SELECTOR, ".execute").click()
        wait.until(
            lambda _: listing.find_elements(By.CSS_SELECTOR, ".live-responses-table tr.response .response-col_status")
        )
        status = listing.find_element(By.CSS_SELECTOR, ".live-responses-table tr.response .response-col_status").text
        answer = listing.find_element(By.CSS_SELECTOR, ".live-responses-table .response-col_description pre")
        body = answer.text
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", answer)
        assert browser.save_screenshot(str(tmp_path / "swagger-ui.png"))
    assert status.strip().startswith("200"), status
    assert '"data": [' in body and '"clientid": "mqttx_07cb8109"' in body
