# Two entry points, both safe on a fresh machine: they create .venv and install the project first.
#   make run    set up (once) and start paperkit
#   make test   set up (once) and run the tests
VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/paperkit

test: $(STAMP)
	$(PY) -m pytest -q -n 2 --dist loadfile

bench: $(STAMP)
	$(PY) bench/ddim_loop.py
	$(PY) bench/diffedit_mask.py
	$(PY) bench/pdf_index.py
	$(PY) bench/latex_accuracy.py
	$(PY) bench/latex_heldout.py
	$(PY) bench/glossary.py
	$(PY) bench/startup.py
	$(PY) bench/app_vs_cli.py
	$(PY) bench/matmul.py --quick

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
