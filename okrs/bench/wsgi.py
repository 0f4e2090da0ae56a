"""WSGI entry of the load test: the site with the trivial floor view mounted (okrs.bench.urls)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okrs.settings")

from django.conf import settings
from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
settings.ROOT_URLCONF = "okrs.bench.urls"
