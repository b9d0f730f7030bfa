"""The back office under `/manager`: log-in, leads, and (for admins) crawl health.

Every router here but the log-in's requires a live session through its `dependencies`,
so a route added to it cannot forget the check; admin pages require the admin role.
"""

from webapp.routes.manager import auth, crawls, leads

routers = (auth.router, leads.router, crawls.router)

__all__ = ["routers"]
