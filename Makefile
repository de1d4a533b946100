# bcenter — two commands on a fresh machine (README): `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_FILE ?= var/demo.db
DEMO_DB ?= sqlite:///$(CURDIR)/$(DEMO_FILE)
ACCOUNTS ?= 2000
LAST_MONTH ?= $(shell date -d "$$(date +%Y-%m-01) -1 month" +%Y-%m)

.PHONY: demo test env env-test bench clean epd-example

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Нужен Python 3.11 или новее")'
	@$(PYTHON) -m venv $(VENV) || { echo "Не удалось создать виртуальное окружение: установите python3-venv (sudo apt-get install python3-venv)"; exit 1; }
	$(BIN)/python -m pip install -q --upgrade pip

env: $(BIN)/python
	$(BIN)/pip install -q -e .

env-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

## Build the environment and the demo town (once: kept in var/demo.db), show it, then start the office screen on it.
demo: env
	@mkdir -p var
	@if [ ! -f $(DEMO_FILE) ]; then \
	  $(BIN)/bcenter --db $(DEMO_DB) demo --accounts $(ACCOUNTS) --until $(LAST_MONTH) --ledger && \
	  $(BIN)/bcenter --db $(DEMO_DB) calc --period $(LAST_MONTH); \
	else echo "Демо-город уже построен: $(DEMO_FILE) (заново: удалите его)"; fi
	$(BIN)/bcenter --db $(DEMO_DB) info
	@echo
	@echo "Дальше:  export BCENTER_DB=$(DEMO_DB)"
	@echo "         $(BIN)/bcenter search Ленина       # найти лицевой счёт по адресу, ФИО или номеру"
	@echo "         $(BIN)/bcenter charges --period $(LAST_MONTH) --account 1000010015"
	@echo "         $(BIN)/bcenter explain --period $(LAST_MONTH) --account 1000010015   # почему столько"
	@echo "         $(BIN)/bcenter bills --period $(LAST_MONTH) --house h00001 --out var/bills.pdf   # ЕПД дома с QR-кодами"
	@echo "         $(BIN)/bcenter export town.json   # выгрузить город в формат обмена"
	@echo "         $(BIN)/bcenter --help"
	@echo
	@echo "Экраны: http://127.0.0.1:8550/ — логины и пароли пользователей демо-города: $(dir $(DEMO_FILE))demo-users.txt (остановить: Ctrl+C)"
	$(BIN)/bcenter --db $(DEMO_DB) ui

## Build the environment and run the whole test suite on every core (PostgreSQL too when BCENTER_TEST_PG is set).
test: env-test
	$(BIN)/pytest -q -n auto

## Every benchmark at $(ACCOUNTS) accounts (make bench ACCOUNTS=100000: city size, about two hours on 2 cores);
## the demo town they share is built once into .bench/town-$(ACCOUNTS).db. Figures: bench/README.md.
bench: env-test
	$(BIN)/python bench/bills.py --accounts $(ACCOUNTS)
	$(BIN)/python bench/close.py --accounts $(ACCOUNTS)
	$(BIN)/python bench/reports.py --accounts $(ACCOUNTS)
	$(BIN)/python bench/storage.py --db .bench/town-$(ACCOUNTS).db
	$(BIN)/python bench/month.py --accounts $(ACCOUNTS)
	$(BIN)/python bench/demo_build.py --accounts $(ACCOUNTS)
	$(BIN)/python bench/registry_import.py --accounts $(ACCOUNTS)
	$(BIN)/python bench/search.py --accounts $(ACCOUNTS)
	$(BIN)/python bench/sync.py

## docs/epd-example.png: the first page of a closed month's ЕПД of a 40-account demo town (a test runs this into a
## temporary folder and compares the picture, so it stays current: rerun it after changing the bill's layout).
EPD_DIR ?= var/epd
EPD_PNG ?= docs/epd-example
epd-example:
	@rm -rf $(EPD_DIR) && mkdir -p $(EPD_DIR)
	$(BIN)/bcenter --db sqlite:///$(abspath $(EPD_DIR))/town.db demo --accounts 40 --until 2026-10 --ledger >/dev/null
	$(BIN)/bcenter --db sqlite:///$(abspath $(EPD_DIR))/town.db bills --period 2026-09 --account 1000010015 \
		--out $(EPD_DIR)/bill.pdf >/dev/null
	pdftoppm -r 110 -gray -png -singlefile -f 1 -l 1 $(EPD_DIR)/bill.pdf $(EPD_PNG)

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
