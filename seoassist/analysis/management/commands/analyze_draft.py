import json
from pathlib import Path

from django.core.management.base import CommandError

from seoassist.analysis.engine import DraftText, analyze_text
from seoassist.core.management.base import EnglishOutputCommand


def split_title(markdown: str) -> tuple[str, str]:
    """Return the text of a first `# ` line as the title, and the rest as the body."""
    lines = markdown.split("\n")
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index < len(lines) and lines[index].startswith("# "):
        return lines[index][2:].strip(), "\n".join(lines[index + 1 :]).lstrip("\n")
    return "", markdown


class Command(EnglishOutputCommand):
    help = (
        "Analyse a Markdown draft and print its SEO and readability checks. A first '# ' line "
        "is the title. With --json, print one JSON object."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Markdown file, UTF-8.")
        parser.add_argument("--keyphrase", default="", help="Keyphrase the draft should rank for.")
        parser.add_argument(
            "--language", required=True, choices=["ja", "en"], help="Language of the draft."
        )
        parser.add_argument("--title", help="Title (default: the file's first '# ' line).")
        parser.add_argument("--meta-description", default="", help="Meta description.")
        parser.add_argument("--slug", default="", help="Slug of the article's URL.")
        parser.add_argument(
            "--related", default="", help="Related keyphrases, comma-separated."
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(
                f"{path}: file not found; pass the path of a Markdown file."
            ) from None
        except OSError as error:
            raise CommandError(f"{path}: cannot be read ({error.strerror}).") from error
        try:
            markdown = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{path}: not valid UTF-8 (byte {error.start}); save the file as UTF-8, for "
                f"example with: iconv -f SHIFT_JIS -t UTF-8 {path} > draft-utf8.md"
            ) from error
        markdown = markdown.replace("\r\n", "\n")
        title, body = split_title(markdown)
        if options["title"] is not None:
            title = options["title"]
        related = tuple(part.strip() for part in options["related"].replace("、", ",").split(","))
        analysis = analyze_text(
            DraftText(
                title=title,
                slug=options["slug"],
                meta_description=options["meta_description"],
                body=body,
                keyphrase=options["keyphrase"],
                related_keyphrases=tuple(part for part in related if part),
                language=options["language"],
            )
        )
        if options["json"]:
            result = analysis.as_dict()
            result["checks"] = [
                {key: check[key] for key in ("id", "group", "status", "score", "message")}
                for check in result["checks"]
            ]
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self._write_report(analysis)

    def _write_report(self, analysis) -> None:
        length = (
            f"{analysis.characters} characters" if analysis.language == "ja"
            else f"{analysis.words} words"
        )
        self.stdout.write(
            f"SEO score {analysis.seo_score}/100, readability score "
            f"{analysis.readability_score}/100, {length}"
        )
        marks = {"good": "[ok]", "improve": "[~~]", "problem": "[!!]"}
        for group, heading in (("seo", "SEO"), ("readability", "Readability")):
            self.stdout.write(f"\n{heading}")
            for check in analysis.checks:
                if check.group == group:
                    self.stdout.write(f"  {marks[check.status]} {check.id}: {check.message}")
