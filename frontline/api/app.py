"""The ASGI application: REST API under /api/v1 with OpenAPI, problem+json errors, request logging."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from frontline import __version__, wiring
from frontline.accounts.api import router as accounts_router
from frontline.channels.email.api import router as email_router
from frontline.customers.api import router as contacts_router
from frontline.jobs.runtime import jobs_lifespan
from frontline.kit import openapi, problems
from frontline.kit.db import get_database
from frontline.kit.middleware import RejectNul, SecurityHeaders
from frontline.kit.settings import Settings, get_settings
from frontline.routing.api import router as routing_router
from frontline.rules.api import router as rules_router
from frontline.sla.api import router as sla_router
from frontline.tickets.api import router as tickets_router
from frontline.tickets.portal_api import router as portal_router
from frontline.web.mount import mount_web
from frontline.workforce.api import router as planner_router


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Frontline",
        version=__version__,
        description="Customer-support desk API. Errors are RFC 9457 problem+json.",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        lifespan=jobs_lifespan(settings),
    )
    app.state.settings = settings
    app.state.database = get_database(settings.database_url, pool_size=settings.db_pool_size)
    problems.install(app)
    openapi.install(app)

    wiring.install(settings)
    api = APIRouter(prefix="/api/v1")
    for router in (tickets_router, accounts_router, contacts_router, portal_router, routing_router,
                   sla_router):
        api.include_router(router)
    api.include_router(email_router)
    api.include_router(planner_router)
    api.include_router(rules_router)
    app.include_router(api)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    mount_web(app, settings)
    app.add_middleware(RejectNul)
    app.add_middleware(SecurityHeaders)
    if settings.trusted_proxies:  # X-Forwarded-For is believed only from these (docs/security.md)
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))
    return app
