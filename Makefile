# Set-up and checks for the course. Needs only python3 (3.11+) and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
INSTALLED := $(VENV)/.installed
# Jupyter refuses to run as root unless told; classroom VMs and containers often are root.
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: install lab hub seminar test screenshots lint bench exercises book book-instructor books coastlines clean

install: $(INSTALLED)

# Re-install whenever the dependency list changes; uv makes that a few seconds.
$(INSTALLED): pyproject.toml etc/jupyterlab-overrides.json etc/labconfig/page_config.json etc/jupyter_server_config.d/nbgrader.off.json $(wildcard etc/voila/templates/fourislands/*)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -e ".[dev]"
	$(BIN)/python -m compileall -q src
	# No news or update pop-ups over the lesson: the course runs offline in class.
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp etc/jupyterlab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	# nbgrader (a test tool here) adds menus and a panel a student has no use for: off in JupyterLab.
	mkdir -p $(VENV)/etc/jupyter/labconfig
	cp etc/labconfig/page_config.json $(VENV)/etc/jupyter/labconfig/page_config.json
	# ... and its server extensions, which cost every Jupyter server of .venv/ (make lab, each student's on
	# make hub) about 0.3 s of CPU at start. Read after nbgrader's own nbgrader.json, which turns them on.
	mkdir -p $(VENV)/etc/jupyter/jupyter_server_config.d
	cp etc/jupyter_server_config.d/nbgrader.off.json $(VENV)/etc/jupyter/jupyter_server_config.d/nbgrader.off.json
	# The seminar apps' Voila page, which asks no outside host for anything (apps/README.md).
	mkdir -p $(VENV)/share/jupyter/voila/templates
	rm -rf $(VENV)/share/jupyter/voila/templates/fourislands
	cp -R etc/voila/templates/fourislands $(VENV)/share/jupyter/voila/templates/fourislands
	touch $@

# axe-core, which the browser tests put into each page they open to audit it (package.json).
NODE_TOOLS := node_modules/.installed
$(NODE_TOOLS): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# Where students work when the course folder is read-only (a classroom server): their own copies.
WORKSPACE ?= $(HOME)/fourislands-work

lab: install
	@if [ -w "$(CURDIR)" ]; then root="$(CURDIR)"; else \
		echo "The course folder is read-only: working in your own copies in $(WORKSPACE)."; \
		$(BIN)/fourislands workspace "$(WORKSPACE)" || exit 1; root="$(WORKSPACE)"; fi; \
	$(BIN)/jupyter lab $(AS_ROOT) --ServerApp.root_dir="$$root" --config="$(CURDIR)/etc/jupyter_server_config.json" \
		--LabApp.default_url=/lab/tree/notebooks/00-start-here.ipynb

# JupyterHub for a class on this machine (docs/jupyterhub.md): members of the Unix group fourislands
# log in with their passwords and each gets JupyterLab in ~/fourislands-work, running as them; the
# course folder stays read-only and solutions/ (hidden tests) unreadable to them. Run as root.
HUB_URL ?= http://127.0.0.1:8000

hub: install $(NODE_TOOLS)
	@if [ "$$(id -u)" -ne 0 ]; then echo "make hub runs each student's server as that student: run it as root."; exit 1; fi
	[ ! -d solutions ] || chmod o-rwx solutions
	FOURISLANDS_HUB_URL="$(HUB_URL)" $(BIN)/jupyterhub -f etc/jupyterhub/jupyterhub_config.py

# The explorers as apps for the projector, one per page and no code (apps/, docs/seminar-apps.md).
# nbgrader's and Notebook's JupyterLab extensions cannot load inside Voila: left out, the console stays clean.
seminar: install
	$(BIN)/voila apps --Voila.ip=127.0.0.1 --Voila.port=8866 \
		--template=fourislands --VoilaConfiguration.classic_tree=True \
		--VoilaConfiguration.extension_denylist=@jupyter/nbgrader \
		--VoilaConfiguration.extension_denylist=@jupyter-notebook/lab-extension

# The browser tests (tests/browser/) need Debian's Chromium and the grader's sandbox tests bubblewrap:
# installed here when missing and apt-get can run; where it cannot, the script says why.
test: install $(NODE_TOOLS)
	bash tools/install_test_packages.sh
	$(BIN)/ruff check conftest.py src tests tools bench
	$(BIN)/python -m pytest

# Only the browser tests, keeping a picture of every lesson whole in build/screenshots/.
screenshots: install $(NODE_TOOLS)
	bash tools/install_test_packages.sh
	FOURISLANDS_WHOLE_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser

lint: install
	$(BIN)/ruff check conftest.py src tests tools bench
	$(BIN)/ruff format --check conftest.py src tests tools bench

bench: install
	$(BIN)/python bench/load.py
	$(BIN)/python bench/quiz.py
	$(BIN)/python bench/lessons.py
	$(BIN)/python bench/explorers.py
	$(BIN)/python bench/grading.py
	$(BIN)/python bench/class_of_200.py
	$(BIN)/python bench/book.py

book: install
	$(BIN)/fourislands build-book --out build/book

# The instructor edition: the same pages plus answer keys, solutions, role cards and the essay rubric.
book-instructor: install
	$(BIN)/fourislands build-book --instructor --out build/book-instructor

# Both editions from one run of the lessons: half the time of `make book book-instructor`.
books: install
	$(BIN)/fourislands build-book --out build/book --instructor-out build/book-instructor

exercises: install
	$(BIN)/fourislands build-exercises

coastlines: install
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e ".[dev,tools]"
	$(BIN)/python tools/make_coastlines.py --out data/geo/coastlines.geojson

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
