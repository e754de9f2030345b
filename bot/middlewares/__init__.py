"""Middlewares, outermost first: error boundary → throttle → database → user context."""

from bot.middlewares.database import DatabaseMiddleware
from bot.middlewares.errors import ErrorBoundaryMiddleware
from bot.middlewares.throttle import ThrottleMiddleware
from bot.middlewares.user_context import UserContextMiddleware

__all__ = [
    "DatabaseMiddleware",
    "ErrorBoundaryMiddleware",
    "ThrottleMiddleware",
    "UserContextMiddleware",
]
