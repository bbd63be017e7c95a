from django.conf import settings

from yiji.core.navigation import items_for, menus_for


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    nav = items_for(user) if user is not None and user.is_authenticated else []
    return {
        "nav_items": nav,
        "nav_menus": menus_for(nav),
        "hospital_name": settings.YIJI_HOSPITAL_NAME,
    }


def csp_nonce(request) -> dict:
    """The nonce an inline script needs under the Content-Security-Policy."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
