"""Settings for bench/run.py: production-like (DEBUG off, real template loaders, the
configured cache and broker), without HTTPS redirects or a real secret, quieter logs."""

import os
from pathlib import Path

os.environ.setdefault("TESTING", "1")  # a throwaway key, no HTTPS redirect
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("LOG_FORMAT", "text")

from config.settings import *  # noqa: E402,F403

ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Django adds each query to connection.queries only under DEBUG or a capture context.
DEBUG = False
# Static files are served from the finders here; whitenoise warns when the root is missing.
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # noqa: F405
