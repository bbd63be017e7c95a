from django.conf import settings

from yiji.core.navigation import items_for


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    nav = items_for(user) if user is not None and user.is_authenticated else []
    return {"nav_items": nav, "hospital_name": settings.YIJI_HOSPITAL_NAME}
