"""Static file storage for production."""
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed, compressed storage that leaves references inside JavaScript alone.

    The vendored libraries are unmodified dist files that name source maps the
    project does not ship, which Django's JavaScript patterns reject. Our own
    scripts import no modules, so only the CSS references need rewriting.
    """

    patterns = tuple(
        (glob, rules) for glob, rules in CompressedManifestStaticFilesStorage.patterns
        if glob != "*.js"
    )
