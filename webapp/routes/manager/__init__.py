"""The back office under `/manager`: log-in, leads, clients and their care, KPIs, and (for
admins) crawl health and letter templates.

Every router here but the log-in's requires a live session through its `dependencies`,
so a route added to it cannot forget the check; admin pages require the admin role.
"""

from webapp.routes.manager import (
    auth,
    calls,
    clients,
    crawls,
    hotel_identity,
    kpi,
    leads,
    letters,
    trips,
)

routers = (
    auth.router,
    leads.router,
    clients.router,
    calls.router,
    trips.router,
    letters.router,
    kpi.router,
    crawls.router,
    hotel_identity.router,
)

__all__ = ["routers"]
