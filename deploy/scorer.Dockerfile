# The scorer behind Ray Serve, for docker-compose.yml: Vigil's package with the `serve`
# extra (Ray Serve, the HTTP app), CPU-only torch as in ../Dockerfile.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    RAY_TMPDIR=/tmp/ray

WORKDIR /app
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY models ./models
COPY config ./config
RUN pip install '.[serve]' && useradd --create-home --uid 10001 vigil
USER vigil
# 8000: the scorer's HTTP API; 6379: the Ray head for more workers; 8265: Ray's dashboard.
EXPOSE 8000 6379 8265
CMD ["python", "-m", "models.serve", "--host", "0.0.0.0", "--port", "8000"]
