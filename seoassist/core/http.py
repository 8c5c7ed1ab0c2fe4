"""Request helpers shared by the views."""
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from seoassist.core.models import Role, Site
from seoassist.core.selectors import site_list_for_user, user_role_on_site

SESSION_SITE_KEY = "seoassist_site_id"


def current_site(request: HttpRequest) -> Site | None:
    """Return the site the user works on: the one chosen in the session, else their first."""
    sites = site_list_for_user(request.user)
    chosen = request.session.get(SESSION_SITE_KEY)
    site = sites.filter(pk=chosen).first() if chosen else None
    return site or sites.first()


def require_site(request: HttpRequest) -> Site:
    site = current_site(request)
    if site is None:
        raise PermissionDenied(
            _("Your account belongs to no site yet. Ask an administrator to add you to one.")
        )
    return site


def require_site_role(request: HttpRequest, site: Site, roles: tuple[str, ...]) -> str:
    """Return the user's role on the site, or refuse when it is not one of `roles`."""
    role = user_role_on_site(request.user, site)
    if role is None or role not in roles:
        raise PermissionDenied(_("Your role on this site does not allow this action."))
    return role


ANY_ROLE = (Role.EDITOR, Role.REVIEWER, Role.ADMIN)
ADMIN_ROLES = (Role.ADMIN,)


def wants_fragment_or_json(request: HttpRequest) -> bool:
    """Tell whether htmx or a JSON client sent the request, so errors go back as status codes."""
    return request.headers.get("HX-Request") == "true" or "application/json" in request.headers.get(
        "Accept", ""
    )


def rate_limited_response(error) -> JsonResponse:
    """Return HTTP 429 with the translated message and a Retry-After header."""
    response = JsonResponse({"error": error.message, "retry_after": error.retry_after}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response
