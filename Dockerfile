# Vigil: the Discord bot on CPU. Build: docker build -t vigil .
# Run:   docker run -e VIGIL_TOKEN=... -v vigil-data:/data -p 9108:9108 vigil
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    VIGIL_DB_PATH=/data/vigil.db \
    VIGIL_CONFIG_PATH=/app/config/default.yaml \
    VIGIL_METRICS_PORT=9108

WORKDIR /app
# CPU-only torch from the PyTorch wheel index keeps the image small (no CUDA libraries).
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY models ./models
COPY config ./config
COPY examples ./examples
RUN pip install . && useradd --create-home --uid 10001 vigil \
    && mkdir -p /data && chown vigil:vigil /data

USER vigil
VOLUME ["/data"]
# Prometheus metrics (/metrics); the health check below reads them too.
EXPOSE 9108
# Healthy: the database opens and takes a write lock, the model weights match their
# hashes, and the running bot answers on its metrics port connected to Discord.
HEALTHCHECK --interval=30s --timeout=10s --start-period=120s --retries=3 \
    CMD ["python", "-m", "bot", "health"]
# docker stop sends SIGTERM: the bot closes its Discord session, writes what it still
# holds and closes the database (docker stop -t gives it the seconds for that).
STOPSIGNAL SIGTERM
# Mount your own policy over /app/config/default.yaml or set VIGIL_CONFIG_PATH.
CMD ["python", "-m", "bot", "run"]
