# Vigil: the Discord bot on CPU. Build: docker build -t vigil .
# Run:   docker run -e VIGIL_TOKEN=... -v vigil-data:/data vigil
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    VIGIL_DB_PATH=/data/vigil.db \
    VIGIL_CONFIG_PATH=/app/config/default.yaml

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
# Mount your own policy over /app/config/default.yaml or set VIGIL_CONFIG_PATH.
CMD ["python", "-m", "bot", "run"]
