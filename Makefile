# kyodo: two commands for a newcomer on a fresh Debian machine.
#   make demo  — set everything up, then run the demo (standard scenarios for Yamaguchi's 19 municipalities)
#   make test  — set everything up, then run the whole test suite
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
APT_PACKAGES := chromium tesseract-ocr tesseract-ocr-jpn fonts-noto-cjk redis-server postgresql poppler-utils

.PHONY: demo test setup system-deps venv bench clean

demo: setup
	$(VENV)/bin/kyodo demo

test: setup
	bash scripts/run_tests.sh

setup: system-deps venv

# Installs the Debian packages the robots need, only when something is missing.
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO="sudo"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@python3 -c "import venv, ensurepip" 2>/dev/null || { SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO="sudo"; $$SUDO apt-get install -y -qq python3-venv; }

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	# chiVe word vectors for the FAQ bot, read with numpy+msgpack: the wheel only, not spaCy
	$(PY) -m pip install -q --no-deps ja-ginza==5.3.0
	touch $@

bench: setup
	$(PY) -m pip install -q -e '.[test,bench]'
	$(PY) bench/run_all.py

clean:
	rm -rf var .pytest_cache
