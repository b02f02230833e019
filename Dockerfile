FROM python:3.11-slim

# gunicorn reads WEB_CONCURRENCY as its default worker count, so no shell is needed in CMD.
ENV DATACAPT_ENV=production \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WEB_CONCURRENCY=2

RUN useradd --create-home --uid 10001 datacapt

# Pango and a font for the documents printed to PDF (WeasyPrint, datacapt.documents).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

COPY requirements/constraints.txt requirements/constraints.txt
COPY . .

# Editable on purpose: migrations/ is read from the source tree at run time,
# so the package must resolve to /app/datacapt rather than site-packages.
RUN pip install --no-cache-dir -c requirements/constraints.txt -e .

# Source stays root-owned: the app has no reason to write to it.
USER datacapt

EXPOSE 8000

# Only meaningful for the web command; compose disables it for worker/scheduler/migrate.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]

# Worker and scheduler reuse this image: `flask jobs worker`, `flask jobs cron`.
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "wsgi:app"]
