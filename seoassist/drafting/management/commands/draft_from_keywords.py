import json
import time

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from seoassist.core.exceptions import ApplicationError
from seoassist.core.management.base import EnglishOutputCommand
from seoassist.core.models import Site
from seoassist.drafting.models import KeywordRequest, RequestStatus
from seoassist.drafting.serializers import keyword_request_as_dict
from seoassist.drafting.services import keyword_request_create, keywords_parse


class Command(EnglishOutputCommand):
    help = (
        "Submit keywords through Celery exactly as the browser does. With --wait, print the "
        "finished request as one JSON object; a failed request exits with status 1."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--site", required=True, help="Site slug, e.g. demo.")
        parser.add_argument("--keywords", required=True, help='Comma-separated, e.g. "花粉症,対策".')
        parser.add_argument("--length", type=int, help="Target length: characters (ja) or words (en).")
        parser.add_argument("--language", choices=["ja", "en"], help="Draft language (default: detected).")
        parser.add_argument("--user", help="User name recorded as the requester.")
        parser.add_argument("--wait", action="store_true", help="Wait for the result and print it.")
        parser.add_argument(
            "--timeout", type=int, default=1800, help="Seconds to wait with --wait (default 1800)."
        )

    def handle(self, *args, **options) -> None:
        site = Site.objects.filter(slug=options["site"]).first()
        if site is None:
            known = ", ".join(Site.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"Site {options['site']!r} not found; known sites: {known}.")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"User {options['user']!r} not found.")
        try:
            keyword_request = keyword_request_create(
                site=site,
                user=user,
                keywords=keywords_parse(options["keywords"]),
                target_length=options["length"],
                language=options["language"],
                ui_language="en",
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error

        if not options["wait"]:
            self.stdout.write(json.dumps({"request_id": keyword_request.pk, "status": keyword_request.status}))
            return
        deadline = time.monotonic() + options["timeout"]
        last_message = ""
        while True:
            keyword_request = KeywordRequest.objects.get(pk=keyword_request.pk)
            if keyword_request.is_finished:
                break
            if keyword_request.progress_message != last_message:
                last_message = keyword_request.progress_message
                self.stderr.write(f"[{keyword_request.status}] {last_message}")
            if time.monotonic() > deadline:
                raise CommandError(
                    f"Request {keyword_request.pk} is still {keyword_request.status} after "
                    f"{options['timeout']} s; is a worker running? (python manage.py runall)"
                )
            time.sleep(1)
        self.stdout.write(json.dumps(keyword_request_as_dict(keyword_request), ensure_ascii=False, indent=2))
        if keyword_request.status == RequestStatus.FAILED:
            raise CommandError(f"Request {keyword_request.pk} failed: {keyword_request.error}")
