import json
import time

from django.core.management.base import CommandError

from seoassist.core.exceptions import ApplicationError
from seoassist.core.management.base import EnglishOutputCommand
from seoassist.core.models import JobStatus, Site
from seoassist.engine.models import ModelKind, TrainingRun
from seoassist.engine.services import training_run_execute, training_run_start


class Command(EnglishOutputCommand):
    help = (
        "Queue a training run for a site (a worker runs it), or run it in this process with "
        "--inline. Prints the run's result and metrics as JSON when it finishes."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--site", required=True, help="Site slug.")
        parser.add_argument("--kind", choices=ModelKind.values, default=ModelKind.LANGUAGE_MODEL)
        parser.add_argument("--inline", action="store_true", help="Train here instead of in a worker.")
        parser.add_argument("--wait", action="store_true", help="Wait for a queued run to finish.")

    def handle(self, *args, **options) -> None:
        site = Site.objects.filter(slug=options["site"]).first()
        if site is None:
            raise CommandError(f"Site {options['site']!r} not found.")
        try:
            run = training_run_start(site=site, kind=options["kind"], trigger="command")
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stderr.write(f"Training run {run.pk} ({run.kind}) is {run.status}.")
        if options["inline"]:
            run = training_run_execute(run_id=run.pk)
        elif options["wait"]:
            while not run.is_finished:
                time.sleep(2)
                run = TrainingRun.objects.get(pk=run.pk)
                self.stderr.write(f"  {run.progress_percent} % {run.progress_message}")
        else:
            return
        run.refresh_from_db()
        version = run.model_version
        self.stdout.write(
            json.dumps(
                {
                    "run_id": run.pk,
                    "status": run.status,
                    "error": run.error,
                    "model_version": version.number if version else None,
                    "active": version.is_active if version else False,
                    "training_seconds": version.training_seconds if version else None,
                    "metrics": version.metrics if version else {},
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        if run.status == JobStatus.FAILED:
            raise CommandError(f"Training run {run.pk} failed: {run.error}")
