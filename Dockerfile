# syntax=docker/dockerfile:1
# Rapport's production image: one image for web (gunicorn), worker and beat.
# Build: docker build -t rapport .   Run: see docker-compose.yml and README "Deploy".

# --- build stage: a virtualenv with the locked dependencies --------------------------
FROM python:3.13-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
COPY requirements.lock /tmp/requirements.lock
# Every package in the lock ships a manylinux wheel for 3.13; --only-binary makes a
# missing one fail the build instead of pulling a compiler into the image.
RUN /opt/venv/bin/pip install --only-binary=:all: -r /tmp/requirements.lock

# --- runtime stage --------------------------------------------------------------------
FROM python:3.13-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    RAPPORT_VAR_DIR=/app/var \
    PORT=8000
RUN groupadd --system --gid 10001 rapport \
    && useradd --system --uid 10001 --gid rapport --home-dir /app --shell /usr/sbin/nologin rapport
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --chown=rapport:rapport . /app
# Static files are collected once, at build time, into the image (whitenoise serves them
# with CompressedManifestStaticFilesStorage: hashed names, gzip and brotli). The key is a
# throwaway: collectstatic signs nothing, but settings refuse to load without one.
RUN SECRET_KEY=collectstatic-only-not-a-secret-000000000000000000000000 DEBUG=0 \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media /app/var/mail /app/var/beat \
    && chown -R rapport:rapport /app/var
USER rapport
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "bin/healthcheck", "web"]
CMD ["gunicorn", "config.wsgi:application", "--config", "python:config.gunicorn"]
