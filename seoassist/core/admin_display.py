"""Read-only renderings of stored values for the Django admin."""
import json

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString


class ViewOnlyAdmin(admin.ModelAdmin):
    """Admin for records that the application writes: they can be viewed, not added, changed or deleted."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def rounded(value: object) -> object:
    """Return ``value`` with every float rounded to four decimals, for reading."""
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {key: rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [rounded(item) for item in value]
    return value


def json_block(value: object) -> SafeString:
    """Return stored JSON indented in a <pre> block, with floats to four decimals."""
    return format_html("<pre>{}</pre>", json.dumps(rounded(value), indent=2, ensure_ascii=False))
