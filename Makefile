# Yiji: `make demo` installs and starts Yiji with demo data; `make test` installs and tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := yiji/static/vendor

.PHONY: demo test bench screenshots install static messages lint clean pacs

demo: install pacs
	$(BIN)/yiji migrate --noinput -v0
	$(BIN)/yiji demo
	$(BIN)/yiji collectstatic --noinput -v0
	$(BIN)/yiji up

test: install
	$(BIN)/pytest

# The image archive: Debian's Orthanc with its DICOMweb and Web viewer plugins, installed when
# this is a Debian machine and we may (root); `yiji up` then starts a private archive. Without
# it Yiji runs with the image features off and says so.
pacs:
	@if dpkg -s orthanc-dicomweb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    orthanc orthanc-dicomweb orthanc-webviewer >/dev/null; \
	else echo "Orthanc not installed (sudo apt install orthanc orthanc-dicomweb orthanc-webviewer): images off"; fi

# The cockpit, desk, room and queue screen at 1366x768 into var/screenshots/ (needs Chromium).
screenshots: install
	$(BIN)/python scripts/screenshots.py

# The benchmark table on 1M generated exams in the local PostgreSQL (docs/performance.md).
bench: install $(VENV)/.bench
	$(BIN)/python bench/run.py

$(VENV)/.bench: pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	touch $@

install: $(STAMP) static

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip==26.3"
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Front-end assets come from the npm registry at build time and are served by Yiji itself:
# hospital intranets have no internet, so nothing is loaded from a CDN.
static: $(VENDOR)/.built

$(VENDOR)/.built: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	touch $@

# Refresh the translation catalogues after changing user-visible text (needs GNU gettext).
messages: install
	cd yiji && ../$(BIN)/yiji makemessages -l zh_Hans -l en --no-obsolete --no-location
	cd yiji && ../$(BIN)/yiji compilemessages -v0

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-logo

clean:
	rm -rf $(VENV) node_modules $(VENDOR)
