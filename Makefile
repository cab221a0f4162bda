# Two commands on a fresh machine:
#   make publish   create .venv if missing, install, build every handout and variant into out/
#   make test      the same set-up, then the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Debian packages the checks need: qpdf, pdfinfo/pdftoppm (poppler-utils), Java for the Nu HTML
# Checker, and Chromium for the catalog's and web pages' browser tests (driven by Playwright; never
# downloaded by it).
DEB_PACKAGES := qpdf poppler-utils default-jre-headless chromium
DEB_STAMP := $(VENV)/.debian

# The Nu HTML Checker for the web pages' tests: the npm package ships vnu.jar (run on the Java above).
VNU_VERSION := 26.9.27
VNU := .tools/node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: publish test venv debian command clean vnu

publish: venv command
	$(PY) publish.py build

# The `handoutpress` command on the PATH: linked into /usr/local/bin when run as root (a link of
# another checkout is replaced, any other file is left alone); otherwise the way to run it is printed.
LINK := /usr/local/bin/handoutpress
command: venv
	@if [ "$$(id -u)" = 0 ] && [ -d /usr/local/bin ] && { [ -L $(LINK) ] || [ ! -e $(LINK) ]; }; then \
	  ln -sfn "$(CURDIR)/$(VENV)/bin/handoutpress" $(LINK) && echo "handoutpress: $(LINK) -> $(CURDIR)/$(VENV)/bin/handoutpress"; \
	else \
	  echo "handoutpress command: $(CURDIR)/$(VENV)/bin/handoutpress (or put $(CURDIR)/$(VENV)/bin on your PATH)"; \
	fi

test: venv debian vnu
	$(PY) -m pytest

vnu: $(VNU)

$(VNU): Makefile | debian
	@command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian package npm (to fetch vnu-jar)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm; \
	  else echo "The web page tests need npm: sudo apt-get install npm"; exit 1; fi; }
	npm install --prefix .tools --no-audit --no-fund --ignore-scripts --silent vnu-jar@$(VNU_VERSION)
	@test -f $(VNU) && touch $(VNU)

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "handoutpress needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) --version 2>&1)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) 2>/dev/null || { rm -rf $(VENV); \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian package python3-venv (python3 -m venv needs it)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv && $(PYTHON) -m venv $(VENV); \
	  else echo "python3 -m venv failed; install venv support with: sudo apt-get install python3-venv"; exit 1; fi; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

debian: $(DEB_STAMP)

$(DEB_STAMP): Makefile | venv
	@missing=""; \
	command -v qpdf >/dev/null || missing="$$missing qpdf"; \
	command -v pdfinfo >/dev/null || missing="$$missing poppler-utils"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
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
	rm -rf out $(VENV) *.egg-info .tools
