"""`yiji serve`: the production web server (gunicorn), on loopback by default."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from django.core.wsgi import get_wsgi_application

        return get_wsgi_application()


class Command(BaseCommand):
    help = "Run Yiji's production web server (gunicorn) on 127.0.0.1:$YIJI_PORT."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.YIJI_PORT)
        parser.add_argument("--workers", type=int, default=settings.YIJI_WORKERS)

    def handle(self, *args, host: str, port: int, workers: int, **options):
        self.stdout.write(f"Yiji listening on http://{host}:{port}/ ({workers} workers)")
        _Gunicorn(
            {
                "bind": f"{host}:{port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": 4,
                # Longer than a user's pause between clicks: with gunicorn's 2 s a browser
                # reusing a connection the server had just closed saw a reset under load.
                "keepalive": 75,
                "timeout": 120,
                "graceful_timeout": 10,
                "accesslog": "-",
                "errorlog": "-",
                "loglevel": "warning",
            }
        ).run()
