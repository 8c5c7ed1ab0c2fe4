# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python

# Where `make run` serves the app.
ADDR ?= 127.0.0.1:8000

# The PostgreSQL and Redis that `make test` also runs the services tests against.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/seoassist
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test install migrate demo serve messages thirdparty-messages check-deploy clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

run: install
	DJANGO_DEBUG=true $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=true $(PY) manage.py collectstatic --noinput -v0
	DJANGO_DEBUG=true $(PY) manage.py seed_demo
	DJANGO_DEBUG=true $(PY) manage.py runall --addr $(ADDR)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
		$(PY) -m pytest -m services $(PYTEST_ARGS)

# Collect strings from the apps and templates/, then compile the catalogs in seoassist/locale.
messages: install
	$(PY) manage.py makemessages -l ja -l en --no-obsolete --ignore ".venv/*" \
		--ignore "seoassist/static/*" --ignore "var/*" --ignore "tests/*" --ignore "bench/*" \
		--ignore "lstm_engine/*" --ignore "docs/*"
	cd seoassist && ../$(PY) ../manage.py compilemessages

# Update the catalogs in seoassist/locale_thirdparty to the msgids of the installed apps,
# compile them, and list the entries that still need a translation (exit status 1 if any).
thirdparty-messages: install
	$(PY) manage.py update_thirdparty_catalogs

check-deploy: install
	DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-0123456789abcdefghijklmnopqrstuvwxyz \
		DJANGO_ALLOWED_HOSTS=seoassist.example.com $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var
