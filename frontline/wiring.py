"""How every process is wired: the one function that installs the desk's ticket listeners and job handlers.

The web app (`create_app`), `frontline worker`, every CLI command that opens the desk's database and the test
setup call `install(settings)`, so a ticket written anywhere is routed, given SLA clocks, run through the
rules and indexed the same way, and every process knows the same job kinds.

Order of the in-transaction listeners of a new ticket (frontline/tickets/hooks.py):
1. routing: sentiment of the first message, classification, assignment (not yet for skill-based teams);
2. SLA: clocks from the policy matching the routed ticket;
3. rules: `created` triggers, which see the routed ticket with its clocks and sentiment;
4. routing after rules: skill-based assignment, so skills named by tags a rule added count;
5. search: the ticket, its first message and a new contact are indexed.
An agent's public reply on an e-mail or portal ticket queues its send job (frontline/channels/email/jobs.py).
"""

from __future__ import annotations

from frontline.channels.email import jobs as email_jobs
from frontline.jobs.registry import discover
from frontline.kit.settings import Settings
from frontline.routing import listeners as routing_listeners
from frontline.rules import listeners as rules_listeners
from frontline.rules.manage import rules_using_calendar
from frontline.search import service as search
from frontline.sla import listeners as sla_listeners
from frontline.sla import manage as sla_manage
from frontline.tickets import hooks


def install(settings: Settings) -> None:
    """Register every listener (replacing any registered before, so the result never depends on history), install
    the rules check of SLA calendars and import every domain's job handlers."""
    hooks.clear()
    routing_listeners.install(settings)
    sla_listeners.install()
    rules_listeners.install(settings)
    routing_listeners.install_after_rules()
    search.register()
    sla_manage.install_rules_check(rules_using_calendar)  # which rules use a calendar, asked without importing rules
    email_jobs.install(settings)
    discover(settings.job_modules)
