from django import forms
from django.utils.translation import gettext_lazy as _

from seoassist.analysis.services import MAX_REASON_LENGTH


class CheckDismissForm(forms.Form):
    check_id = forms.SlugField(max_length=60)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON_LENGTH,
        error_messages={"required": _("Give a reason for dismissing this check.")},
    )


class CheckRestoreForm(forms.Form):
    check_id = forms.SlugField(max_length=60)
