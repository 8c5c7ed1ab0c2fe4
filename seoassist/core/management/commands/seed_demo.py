from django.core.management.base import BaseCommand

from seoassist.demo.services import demo_site_create


class Command(BaseCommand):
    help = (
        "Create the demo site with its Japanese and English articles and keyword-interest data, "
        "an admin login, and queue the site's first training. Safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-training", action="store_true", help="Do not queue the first training runs."
        )

    def handle(self, *args, **options) -> None:
        setup = demo_site_create(start_training=not options["no_training"])
        self.stdout.write(
            f"Demo site “{setup.site.name}” ({setup.site.slug}): {setup.articles_added} articles "
            f"and {setup.trend_points_added} keyword-interest points added."
        )
        for run in setup.training_runs:
            self.stdout.write(f"Queued training run {run.pk} ({run.kind}).")
        line = "=" * 60
        self.stdout.write(self.style.SUCCESS(line))
        self.stdout.write(self.style.SUCCESS(f"  Admin login: {setup.admin_username}"))
        if setup.admin_password:
            self.stdout.write(self.style.SUCCESS(f"  Password:    {setup.admin_password}"))
        else:
            password = setup.password_file.read_text().split()[-1] if setup.password_file.exists() else None
            if password:
                self.stdout.write(self.style.SUCCESS(f"  Password:    {password}"))
            else:
                self.stdout.write(
                    "  Password: unchanged (set a new one with: python manage.py changepassword admin)"
                )
        self.stdout.write(self.style.SUCCESS(f"  (also stored in {setup.password_file})"))
        self.stdout.write(self.style.SUCCESS(line))
