"""Imports every domain's models so metadata (Alembic, tests) sees all tables."""

from frontline.accounts import models as accounts  # noqa: F401
from frontline.channels.email import models as email  # noqa: F401
from frontline.contacts import models as contacts  # noqa: F401
from frontline.jobs import models as jobs  # noqa: F401
from frontline.kit import idempotency  # noqa: F401
from frontline.kit.db import Base
from frontline.portal import models as portal  # noqa: F401
from frontline.routing import models as routing  # noqa: F401
from frontline.routing import skills  # noqa: F401
from frontline.rules import models as rules  # noqa: F401
from frontline.search import models as search  # noqa: F401
from frontline.sla import models as sla  # noqa: F401
from frontline.tickets import models as tickets  # noqa: F401
from frontline.web import models as web  # noqa: F401
from frontline.workforce import models as workforce  # noqa: F401

metadata = Base.metadata
