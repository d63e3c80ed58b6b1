# chatcrm: `docker compose up` (compose.yaml) or `docker run ... chatcrm serve`.
# Dependencies come from the hash-locked requirements.txt; the image runs as a non-root user.

FROM python:3.11-slim AS build
WORKDIR /src
COPY requirements.txt ./
RUN python -m venv /venv \
 && /venv/bin/pip install --no-cache-dir --require-hashes -r requirements.txt
COPY pyproject.toml README.md main.py ./
COPY bot ./bot
COPY handlers ./handlers
COPY jobs ./jobs
COPY store ./store
RUN /venv/bin/pip install --no-cache-dir --no-deps .

FROM python:3.11-slim
RUN groupadd --system --gid 10001 chatcrm \
 && useradd --system --uid 10001 --gid 10001 --create-home --home-dir /data chatcrm
COPY --from=build /venv /venv
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    CHATCRM_HTTP_HOST=0.0.0.0 \
    CHATCRM_HTTP_PORT=8080 \
    CHATCRM_LOG_LEVEL=INFO \
    CHATCRM_LOG_FORMAT=json
USER 10001:10001
WORKDIR /data
EXPOSE 8080
# Alive: the process answers. Whether it can take traffic is /readyz (database and schema).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
ENTRYPOINT ["chatcrm"]
CMD ["serve"]
