# emqx-sim: every command a user needs. `make test` installs what it needs from nothing.
VENV    ?= .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
ARGS    ?=

.PHONY: install serve test test-fast check fuzz bench bench-panel validate docs chromium node clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the project with its test tools

serve: $(STAMP) ## run the simulator on http://127.0.0.1:18083/api/v5 (pass flags with ARGS="--clients 5000")
	$(BIN)/emqx-sim serve $(ARGS)

validate: $(STAMP) ## check that the contract is valid OpenAPI 3.0
	$(BIN)/openapi-spec-validator openapi/clients.yaml openapi/control.yaml

check: $(STAMP) ## ruff format check, ruff lint, mypy strict on simulator/
	$(BIN)/ruff format --check simulator tests bench
	$(BIN)/ruff check simulator tests bench
	$(BIN)/mypy

chromium: ## Debian's Chromium and ChromeDriver for the browser tests, installed when missing
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; }

node: ## Debian's Node.js and npm, for the tests that build generated TypeScript clients and run JavaScript samples
	@command -v node >/dev/null && command -v npm >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm >/dev/null; }

test: check chromium node ## lint, type-check and run the whole test suite (browser tests included)
	$(BIN)/pytest

test-fast: check ## lint, type-check and run the tests that answer in seconds (no `slow`, no `browser` ones)
	$(BIN)/pytest -m "not slow and not browser"

bench: $(STAMP) ## the simulator beside Prism under wrk (pass ARGS="--clients 1000000" for the scale mode)
	$(BIN)/python bench/run.py $(ARGS)

bench-panel: $(STAMP) chromium ## how long the control panel takes to load (pass ARGS="--clients 100000"; 1,000,000 by default)
	$(BIN)/python bench/panel.py $(ARGS)

docs: $(STAMP) ## write the API reference (HTML, Markdown, specs) into site/
	$(BIN)/emqx-sim docs --out site

fuzz: $(STAMP) ## deep schemathesis pass: 1000 examples per operation in process and over HTTP, 20000 stateful steps (long)
	EMQX_SIM_FUZZ=deep $(BIN)/pytest -p no:cacheprovider -v tests/contract/test_schemathesis.py \
		tests/contract/test_contract_command.py::test_the_simulator_keeps_the_contract

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .schemathesis .cache
