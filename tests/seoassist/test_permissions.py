"""Who may open each view: every URL name of the project, anonymous and for each role.

ROUTES contains one line per view and method with the status each kind of user
gets. A view added to the URLconf fails `test_every_view_has_a_row` until it
gets its line here (or in PUBLIC_NAMES when it needs no login).

The users: `owner` is the editor who submitted the request and owns the draft,
`editor` another editor of the same site, `reviewer` and `admin` members of the
site with those roles, `outsider` an editor of another site only, and `nobody`
a logged-in user without any site.

Every member of a site sees all of its drafts. Editors and admins change the
text of a draft in the "draft" status, submit it for review and withdraw it
from review. Reviewers and admins comment, approve and send back, and admins
reopen approved and exported drafts. A keyword request stays visible to the
editor who made it, and to the site's reviewers and admins.

Several POST views redirect after a rejected action too, with an error
message. Their lines name the rejected members in `rejected`, and
`test_rejected_action_shows_error_message` checks the messages.
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
    # URL arguments after the primary key, e.g. a revision number.
    args: tuple = ()
    # For views that redirect after success and failure alike: the members whose
    # action is rejected with an error message. The other members' action succeeds.
    rejected: tuple | None = None

    def expected(self, user: str) -> int:
        return getattr(self, user)

    def __str__(self) -> str:
        action = self.data.get("action")
        suffix = f" {action} {self.target}" if action else ""
        return f"{self.method} {self.name}{suffix}"


# Placeholder for the token of the edit lock that the user's editor page gets.
# It becomes "" for a user whose role may not edit the draft, because that page gets no lock.
LOCK_TOKEN = object()
# A save of the fixture's draft from its stored version 1.
DRAFT_FORM = {
    "title": "花粉症の対策", "slug": "kafun", "meta_description": "", "body": "本文", "version": 1,
}

ROUTES = [
    #     name                          method  target     own  edit rev  adm  out  none
    Route("core:home",                  "GET",  None,      200, 200, 200, 200, 200, 200),
    Route("core:site_switch",           "POST", None,      302, 302, 302, 302, 302, 302,
          data={"site": "0", "next": "/"}),
    Route("corpus:import_list",         "GET",  None,      200, 200, 200, 200, 200, 403),
    Route("corpus:import_detail",       "GET",  "import",  200, 200, 200, 200, 404, 403),
    Route("corpus:import_status",       "GET",  "import",  200, 200, 200, 200, 404, 403),
    # The first import is queued, so it can be cancelled. The second is cancelled, so it can resume.
    Route("corpus:import_cancel",       "POST", "import",  302, 302, 302, 302, 404, 403,
          rejected=()),
    Route("corpus:import_resume",       "POST", "cancelled_import", 302, 302, 302, 302, 404, 403,
          rejected=()),
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
    Route("drafting:draft_edit",        "GET",  "draft",   200, 200, 200, 200, 404, 403),
    # A reviewer may not change the text, so the form is shown again with the error.
    Route("drafting:draft_edit",        "POST", "draft",   302, 302, 200, 302, 404, 403,
          data=DRAFT_FORM),
    Route("drafting:draft_preview",     "POST", "draft",   200, 200, 200, 200, 404, 403,
          data={"body": "# 見出し"}),
    # A reviewer's autosave is rejected with a JSON error and status 403.
    Route("drafting:draft_autosave",    "POST", "draft",   200, 200, 403, 200, 404, 403,
          data={**DRAFT_FORM, "lock_token": LOCK_TOKEN}),
    Route("drafting:draft_heartbeat",   "POST", "draft",   200, 200, 200, 200, 404, 403,
          data={"lock_token": LOCK_TOKEN}),
    # Redirects to the editor page. For a reviewer the lock does not move.
    Route("drafting:draft_take_over",   "POST", "draft",   302, 302, 302, 302, 404, 403),
    Route("drafting:draft_release",     "POST", "draft",   204, 204, 204, 204, 404, 403,
          data={"lock_token": LOCK_TOKEN}),
    Route("drafting:draft_revisions",   "GET",  "draft",   200, 200, 200, 200, 404, 403),
    Route("drafting:draft_revision_diff", "GET", "draft",  200, 200, 200, 200, 404, 403,
          args=(1,)),
    # A reviewer is redirected to the revision list with the error message.
    Route("drafting:draft_restore",     "POST", "draft",   302, 302, 302, 302, 404, 403,
          args=(1,), rejected=("reviewer",)),
    # The draft is in the "draft" status, so editors and admins submit it. A
    # reviewer is redirected to the editor page with the error message.
    Route("drafting:draft_workflow",    "POST", "draft",   302, 302, 302, 302, 404, 403,
          data={"action": "submit"}, rejected=("reviewer",)),
    # This draft is "in review", so reviewers and admins approve it. An editor
    # is redirected to the editor page with the error message.
    Route("drafting:draft_workflow",    "POST", "review",  302, 302, 302, 302, 404, 403,
          data={"action": "approve"}, rejected=("owner", "editor")),
    # This draft is "in review", so reviewers and admins send it back with a comment.
    # An editor is redirected to the editor page with the error message.
    Route("drafting:draft_workflow",    "POST", "review",  302, 302, 302, 302, 404, 403,
          data={"action": "send_back", "comment": "出典を加えてください。"},
          rejected=("owner", "editor")),
    # This draft is "in review", so the roles that submit (editors and admins)
    # withdraw it. A reviewer is redirected to the editor page with the error message.
    Route("drafting:draft_workflow",    "POST", "review",  302, 302, 302, 302, 404, 403,
          data={"action": "withdraw"}, rejected=("reviewer",)),
    # A draft in the "draft" status cannot be withdrawn by any role.
    Route("drafting:draft_workflow",    "POST", "draft",   302, 302, 302, 302, 404, 403,
          data={"action": "withdraw"}, rejected=("owner", "editor", "reviewer", "admin")),
    # This draft is exported, so only admins reopen it for editing. Editors and
    # reviewers are redirected to the editor page with the error message.
    Route("drafting:draft_workflow",    "POST", "exported", 302, 302, 302, 302, 404, 403,
          data={"action": "reopen"}, rejected=("owner", "editor", "reviewer")),
    # Reviewers and admins comment. An editor gets the error message.
    Route("drafting:draft_comment",     "POST", "draft",   302, 302, 302, 302, 404, 403,
          data={"body": "出典を加えてください。"}, rejected=("owner", "editor")),
    # The draft is approved, so every member of the site downloads the file.
    Route("drafting:draft_export",      "POST", "approved", 200, 200, 200, 200, 404, 403,
          data={"export_format": "markdown"}),
    Route("analysis:draft_panel",       "GET",  "draft",   200, 200, 200, 200, 404, 403),
    Route("analysis:draft_panel",       "POST", "draft",   200, 200, 200, 200, 404, 403,
          data={"body": "# 花粉症"}),
    Route("analysis:check_dismiss",     "POST", "draft",   200, 200, 200, 200, 404, 403,
          data={"check_id": "text_length", "reason": "短いお知らせ"}),
    Route("analysis:check_restore",     "POST", "draft",   200, 200, 200, 200, 404, 403,
          data={"check_id": "text_length"}),
    # The fixture trains no language model, so an allowed rewrite also ends in an error
    # message. The roles differ only in 302 against 404 and 403.
    Route("drafting:draft_section_regenerate", "POST", "draft", 302, 302, 302, 302, 404, 403,
          args=(1,)),
    Route("tracking:dashboard",         "GET",  None,      200, 200, 200, 200, 200, 403),
    Route("tracking:alert_acknowledge", "POST", "alert",   302, 302, 302, 302, 404, 403),
]

# Views that respond without a login. Django's admin has its own login and staff check.
PUBLIC_NAMES = {
    "core:health", "core:favicon", "set_language", "login", "password_reset", "password_reset_done",
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
    from seoassist.corpus.models import ImportJob, ImportStatus
    from seoassist.drafting.models import Draft, DraftRevision, DraftStatus, KeywordRequest
    from seoassist.engine.models import TrainingRun
    from seoassist.tracking.models import KeywordAlert
    from seoassist.trends.models import Keyword

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
    drafts = {}
    for key, status, request in (
        ("draft", DraftStatus.DRAFT, keyword_request),
        ("review", DraftStatus.IN_REVIEW, None),
        ("approved", DraftStatus.APPROVED, None),
        ("exported", DraftStatus.EXPORTED, None),
    ):
        draft = Draft.objects.create(
            site=site, request=request, owner=owner, language="ja", keywords=["花粉症"],
            title="花粉症", body="本文", status=status,
        )
        DraftRevision.objects.create(
            draft=draft, number=1, title=draft.title, body=draft.body, author=owner
        )
        drafts[key] = draft
    targets = {
        "request": keyword_request,
        **drafts,
        "import": ImportJob.objects.create(
            site=site, created_by=owner, kind="articles", original_name="a.jsonl"
        ),
        "cancelled_import": ImportJob.objects.create(
            site=site, created_by=owner, kind="articles", original_name="b.jsonl",
            status=ImportStatus.CANCELLED,
        ),
        "run": TrainingRun.objects.create(site=site, kind="language_model"),
        "alert": KeywordAlert.objects.create(
            keyword=Keyword.objects.create(site=site, text="花粉症"), direction="rising", change=42.0
        ),
    }
    return users, targets


def _url(route: Route, targets: dict) -> str:
    args = [targets[route.target].pk, *route.args] if route.target else []
    return reverse(route.name, args=args)


def _lock_token(user, draft) -> str:
    """Take the edit lock as the user's editor page would, and return its token."""
    from seoassist.drafting.services import draft_can_edit, draft_lock_acquire

    if not draft_can_edit(draft=draft, user=user):
        return ""
    return str(draft_lock_acquire(draft=draft, user=user).lock.token)


def _send(client, route: Route, url: str, user=None, targets=None):
    if route.method == "POST":
        data = dict(route.data)
        for key, value in data.items():
            if value is LOCK_TOKEN:
                data[key] = _lock_token(user, targets[route.target]) if user else ""
        return client.post(url, data)
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
        response = _send(client, route, _url(route, targets), users[user], targets)
        assert response.status_code == route.expected(user)

    @pytest.mark.parametrize("user", ("owner", "editor", "reviewer", "admin"))
    @pytest.mark.parametrize("route", [r for r in ROUTES if r.rejected is not None], ids=str)
    def test_rejected_action_shows_error_message(self, client, world, route, user):
        from django.contrib import messages

        users, targets = world
        client.force_login(users[user])
        response = _send(client, route, _url(route, targets), users[user], targets)
        levels = [message.level for message in messages.get_messages(response.wsgi_request)]
        assert (messages.ERROR in levels) == (user in route.rejected)

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
