# Two commands on a fresh machine:
#   make publish   create .venv if missing, install, build every handout and variant into out/
#   make test      the same set-up, then the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Debian packages the checks need: qpdf, pdfinfo/pdftoppm (poppler-utils),
# and Chromium for the catalog's browser tests (driven by Playwright; never downloaded by it).
DEB_PACKAGES := qpdf poppler-utils chromium
DEB_STAMP := $(VENV)/.debian

.PHONY: publish test venv debian clean

publish: venv
	$(PY) publish.py build

test: venv debian
	$(PY) -m pytest

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

debian: $(DEB_STAMP)

$(DEB_STAMP): Makefile | venv
	@missing=""; \
	command -v qpdf >/dev/null || missing="$$missing qpdf"; \
	command -v pdfinfo >/dev/null || missing="$$missing poppler-utils"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "The tests need these Debian packages:$$missing"; \
	    echo "Install them with: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi
	touch $(DEB_STAMP)

clean:
	rm -rf out $(VENV) *.egg-info
