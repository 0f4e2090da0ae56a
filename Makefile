# Two commands a newcomer needs: `make run` and `make test`. Each sets up everything first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
# the address links in mails and chat messages point at, and that `okrs demo` says to log in at
SITE_URL ?= $(if $(OKRS_SITE_URL),$(OKRS_SITE_URL),http://$(HOST):$(PORT))

.PHONY: run test install lint migrate demo clean messages

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,redis]"
	touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(BIN)/okrs migrate --noinput

demo: migrate
	OKRS_SITE_URL=$(SITE_URL) $(BIN)/okrs demo

run: demo
	$(BIN)/okrs collectstatic --noinput --verbosity 0
	# the web server and the worker together (Procfile); Ctrl-C stops both
	PATH="$(abspath $(BIN)):$$PATH" OKRS_RUN_BIND=$(HOST):$(PORT) OKRS_RUN_WORKERS=$(WORKERS) \
	  OKRS_SITE_URL=$(SITE_URL) $(BIN)/honcho start -f Procfile

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/okrs makemigrations --check --dry-run
	$(BIN)/mypy --strict okrs/core/

# after changing user-facing strings: extract them into the catalogs (okrs/locale), refresh the
# pseudo-locale and compile the .mo files, which are committed (tests/i18n fails when they lag)
messages: $(STAMP)
	cd okrs && ../$(BIN)/okrs makemessages -l es -l fr -l pt_BR -l qps_Rtl --verbosity 0
	$(BIN)/python scripts/po_fill.py pseudo okrs/locale/qps_Rtl/LC_MESSAGES/django.po
	cd okrs && ../$(BIN)/okrs compilemessages --verbosity 0

clean:
	rm -rf $(VENV) var test-artifacts
