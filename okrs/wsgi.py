import os

from django.core.wsgi import get_wsgi_application

from okrs.runtime import tune_gc

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okrs.settings")
application = get_wsgi_application()
tune_gc()  # once the application is loaded: see okrs/runtime.py
