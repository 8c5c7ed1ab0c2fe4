"""Start the web server, the Celery workers and Celery beat together in the foreground."""
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from seoassist.core.broker import ensure_broker_folders


class Command(BaseCommand):
    help = (
        "Run the web server, a training worker, a drafting worker and Celery beat until "
        "Ctrl-C, which stops all of them."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Address and port to serve on.")
        parser.add_argument(
            "--server",
            choices=["runserver", "gunicorn"],
            default="runserver",
            help="Django's development server (default) or gunicorn.",
        )

    def handle(self, *args, **options) -> None:
        ensure_broker_folders()
        if settings.CELERY_BROKER_URL.startswith("filesystem"):
            # The filesystem transport drops a message once a worker takes it, so jobs
            # cut short by the last stop are queued again. Each one resumes or finishes.
            from seoassist.core.jobs import jobs_requeue_unfinished

            count = jobs_requeue_unfinished()
            if count:
                self.stdout.write(f"Queued {count} unfinished jobs again.")
        commands = {
            "web": self._web_command(options["server"], options["addr"]),
            "worker-training": self._worker_command("training", "training"),
            "worker-drafting": self._worker_command("drafting,default", "drafting"),
            "beat": [sys.executable, "-m", "celery", "-A", "seoassist", "beat", "-l", "INFO",
                     "--pidfile=", "-s", str(settings.VAR_DIR / "celerybeat-schedule")],
        }
        processes: dict[str, subprocess.Popen] = {}
        for name, command in commands.items():
            processes[name] = subprocess.Popen(command)
        self.stdout.write(
            self.style.SUCCESS(f"seoassist is running on http://{options['addr']}/ (Ctrl-C stops it)")
        )

        stop = {"requested": False, "interrupted": False}

        def request_stop(signum, frame) -> None:
            stop["requested"] = True
            # Ctrl-C in a terminal interrupts every process of the foreground group.
            stop["interrupted"] = stop["interrupted"] or signum == signal.SIGINT

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        exit_code = 0
        try:
            while not stop["requested"]:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"{name} exited with code {process.returncode}; stopping the rest.")
                        exit_code = process.returncode or 1
                        stop["requested"] = True
                        break
                time.sleep(0.5)
        finally:
            self._stop_all(processes, interrupted=stop["interrupted"])
        if exit_code:
            raise CommandError("A process stopped unexpectedly; see the log above.")

    def _web_command(self, server: str, addr: str) -> list[str]:
        if server == "gunicorn":
            return [sys.executable, "-m", "gunicorn", "seoassist.wsgi", "--bind", addr,
                    "--workers", "2", "--threads", "4", "--access-logfile", "-"]
        return [sys.executable, "manage.py", "runserver", addr, "--noreload"]

    def _worker_command(self, queues: str, name: str) -> list[str]:
        command = [sys.executable, "-m", "celery", "-A", "seoassist", "worker", "-Q", queues,
                   "-n", f"{name}@%h", "--concurrency", "1", "-l", "INFO"]
        if settings.CELERY_BROKER_URL.startswith("filesystem"):
            # The filesystem transport has no broadcast channel for these features.
            command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        return command

    def _stop_all(self, processes: dict[str, subprocess.Popen], *, interrupted: bool = False) -> None:
        """Stop politely, then cold: a training run resumes from its checkpoint next time.

        After Ctrl-C the children have received SIGINT already, so they get time to stop
        on it first. A second signal at once would make a Celery worker shut down cold.
        """
        phases = [(None, 5), (signal.SIGTERM, 5), (signal.SIGQUIT, 10)]
        for stop_signal, grace_seconds in phases if interrupted else phases[1:]:
            for process in processes.values():
                if stop_signal is not None and process.poll() is None:
                    process.send_signal(stop_signal)
            deadline = time.monotonic() + grace_seconds
            for process in processes.values():
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    pass
        for name, process in processes.items():
            if process.poll() is None:
                self.stderr.write(f"{name} did not stop in time; killing it.")
                process.kill()
                process.wait()
        self.stdout.write("All processes stopped.")
