"""Who may open each view: every URL name of the project, anonymous and for each role.

ROUTES holds one line per view and method with the status each kind of user
gets. A view added to the URLconf fails `test_every_view_has_a_row` until it
gets its line here (or in PUBLIC_NAMES when it needs no login).

The users: `owner` is the editor who submitted the request and owns the draft,
`editor` another editor of the same site, `reviewer` and `admin` members of the
site with those roles, `outsider` an editor of another site only, and `nobody`
a logged-in user without any site.
"""
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = [pytest.mark.django_db]

USERS = ("owner", "editor", "reviewer", "admin", "outsider", "nobody")


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    # Which object's primary key fills the URL's <int:pk>, if any.
    target: str | None
    owner: int
    editor: int
    reviewer: int
    admin: int
    outsider: int
    nobody: int
    data: dict = field(default_factory=dict)

    def expected(self, user: str) -> int:
        return getattr(self, user)

    def __str__(self) -> str:
        return f"{self.method} {self.name}"


DRAFT_FORM = {"title": "花粉症の対策", "slug": "kafun", "meta_description": "", "body": "本文"}

ROUTES = [
    #     name                          method  target     own  edit rev  adm  out  none
    Route("core:home",                  "GET",  None,      200, 200, 200, 200, 200, 200),
    Route("core:site_switch",           "POST", None,      302, 302, 302, 302, 302, 302,
          data={"site": "0", "next": "/"}),
    Route("corpus:import_list",         "GET",  None,      200, 200, 200, 200, 200, 403),
    Route("corpus:import_detail",       "GET",  "import",  200, 200, 200, 200, 404, 403),
    Route("corpus:import_status",       "GET",  "import",  200, 200, 200, 200, 404, 403),
    Route("trends:keyword_list",        "GET",  None,      200, 200, 200, 200, 200, 403),
    Route("engine:model_overview",      "GET",  None,      200, 200, 200, 200, 200, 403),
    Route("engine:training_start",      "POST", None,      403, 403, 403, 302, 403, 403,
          data={"kind": "language_model"}),
    Route("engine:run_status",          "GET",  "run",     200, 200, 200, 200, 404, 403),
    Route("drafting:request_list",      "GET",  None,      200, 200, 200, 200, 200, 403),
    Route("drafting:request_create",    "GET",  None,      200, 200, 200, 200, 200, 403),
    Route("drafting:request_detail",    "GET",  "request", 200, 404, 200, 200, 404, 403),
    Route("drafting:request_status",    "GET",  "request", 200, 404, 200, 200, 404, 403),
    Route("drafting:draft_list",        "GET",  None,      200, 200, 200, 200, 200, 403),
    Route("drafting:draft_edit",        "GET",  "draft",   200, 404, 200, 200, 404, 403),
    Route("drafting:draft_edit",        "POST", "draft",   302, 404, 302, 302, 404, 403,
          data=DRAFT_FORM),
    Route("drafting:draft_preview",     "POST", "draft",   200, 404, 200, 200, 404, 403,
          data={"body": "# 見出し"}),
    Route("drafting:draft_revisions",   "GET",  "draft",   200, 404, 200, 200, 404, 403),
]

# Views that answer without a login. Django's admin has its own login and staff check.
PUBLIC_NAMES = {
    "core:health", "set_language", "login", "password_reset", "password_reset_done",
    "password_reset_confirm", "password_reset_complete",
}
# Views that need a login but are Django's own (account pages), not the project's.
DJANGO_ACCOUNT_NAMES = {"logout", "password_change", "password_change_done"}


def _url_names(patterns=None, namespace: str = "") -> list[tuple[str, URLPattern]]:
    """Return (qualified name, pattern) for every named URL pattern, admin excluded."""
    found = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _url_names(entry.url_patterns, inner)
        elif entry.name:
            found.append((f"{namespace}{entry.name}", entry))
    return found


@pytest.fixture
def world(site):
    """The site, its users by kind, and one object of each kind that a URL can name."""
    from seoassist.core.models import Role
    from seoassist.core.services import membership_set, site_create, user_create
    from seoassist.corpus.models import ImportJob
    from seoassist.drafting.models import Draft, KeywordRequest
    from seoassist.engine.models import TrainingRun

    other_site = site_create(name="Other Site", slug="other", language="en")
    users = {}
    for name, role, member_of in (
        ("owner", Role.EDITOR, site), ("editor", Role.EDITOR, site),
        ("reviewer", Role.REVIEWER, site), ("admin", Role.ADMIN, site),
        ("outsider", Role.EDITOR, other_site), ("nobody", None, None),
    ):
        user = user_create(username=f"perm-{name}", password="perm-pass-123")
        if member_of is not None:
            membership_set(user=user, site=member_of, role=role)
        users[name] = user
    owner = users["owner"]
    keyword_request = KeywordRequest.objects.create(
        site=site, created_by=owner, keywords=["花粉症"], language="ja", target_length=800
    )
    targets = {
        "request": keyword_request,
        "draft": Draft.objects.create(
            site=site, request=keyword_request, owner=owner, language="ja",
            keywords=["花粉症"], title="花粉症", body="本文",
        ),
        "import": ImportJob.objects.create(
            site=site, created_by=owner, kind="articles", original_name="a.jsonl"
        ),
        "run": TrainingRun.objects.create(site=site, kind="language_model"),
    }
    return users, targets


def _url(route: Route, targets: dict) -> str:
    args = [targets[route.target].pk] if route.target else []
    return reverse(route.name, args=args)


def _send(client, route: Route, url: str):
    if route.method == "POST":
        return client.post(url, route.data)
    return client.get(url)


class PermissionMatrixTests:
    def test_every_view_has_a_row(self):
        covered = {route.name for route in ROUTES} | PUBLIC_NAMES | DJANGO_ACCOUNT_NAMES
        missing = sorted(name for name, _ in _url_names() if name not in covered)
        assert missing == [], f"Add a line to ROUTES for: {missing}"

    @pytest.mark.parametrize("route", ROUTES, ids=str)
    def test_anonymous_is_sent_to_login(self, client, world, route):
        _, targets = world
        url = _url(route, targets)
        response = _send(client, route, url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")

    @pytest.mark.parametrize("user", USERS)
    @pytest.mark.parametrize("route", ROUTES, ids=str)
    def test_role_gets_expected_status(self, client, world, route, user):
        from django.core.cache import cache

        cache.clear()
        users, targets = world
        client.force_login(users[user])
        response = _send(client, route, _url(route, targets))
        assert response.status_code == route.expected(user)

    @pytest.mark.parametrize("name", sorted(PUBLIC_NAMES - {"password_reset_confirm"}))
    def test_public_views_need_no_login(self, client, name):
        method = client.post if name == "set_language" else client.get
        response = method(reverse(name))
        assert response.status_code in {200, 302}
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login") + "?next=")

    def test_admin_requires_staff(self, client, world):
        users, _ = world
        client.force_login(users["admin"])
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
