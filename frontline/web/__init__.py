"""The web UI: agent workspace and customer portal, server-rendered (Jinja2 + HTMX)."""
