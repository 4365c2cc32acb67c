"""ASGI entry point for uvicorn workers: `frontline.api.asgi:app`."""

from frontline.api.app import create_app

app = create_app()
