from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from seoassist.core.exceptions import ApplicationError
from seoassist.core.text import detect_language
from seoassist.drafting.models import Draft
from seoassist.drafting.services import TARGET_LENGTH_LIMITS, keywords_parse, keywords_validate


class KeywordRequestForm(forms.Form):
    keywords = forms.CharField(
        label=_("Keywords"),
        max_length=600,
        help_text=_("1 to 5 keywords, separated by commas or 、. Japanese or English."),
        # Each catalog translates the example into keywords of its own language.
        widget=forms.TextInput(
            attrs={"autofocus": True, "placeholder": _("e.g. hay fever, remedies")}
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of the draft"),
        choices=[("", _("Detect from the keywords")), ("ja", _("Japanese")), ("en", _("English"))],
        required=False,
    )
    # The limits depend on the draft's language, so clean() checks them instead of
    # min_value and max_value.
    target_length = forms.IntegerField(
        label=_("Target length"),
        required=False,
        help_text=_("Characters for Japanese (default 1500), words for English (default 600)."),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        raw = cleaned.get("keywords")
        if raw is None:
            return cleaned
        keywords = keywords_parse(raw)
        # Like keyword_request_create(), use the chosen language, else the one detected from
        # the keywords.
        language = cleaned.get("language") or detect_language(" ".join(keywords) or raw)
        try:
            keywords_validate(keywords, language)
        except ApplicationError as error:
            # Shown under the field that needs the change, not above the form.
            self.add_error("keywords", error.message)
            return cleaned
        length = cleaned.get("target_length")
        if length is None:
            return cleaned
        low, high = TARGET_LENGTH_LIMITS[language]
        if not low <= length <= high:
            self.add_error(
                "target_length",
                gettext(
                    "The target length %(length)d is outside %(low)d to %(high)d for this "
                    "language."
                )
                % {"length": length, "low": low, "high": high},
            )
        return cleaned


class DraftForm(forms.ModelForm):
    # The draft version the page loaded; a save from an older version is a conflict.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    lock_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    class Meta:
        model = Draft
        fields = ["title", "slug", "meta_description", "body"]
        widgets = {
            "meta_description": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 24, "class": "markdown-input"}),
        }


class DraftTransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[
        ("submit", _("Submit for review")),
        ("withdraw", _("Withdraw from review")),
        ("approve", _("Approve")),
        ("send_back", _("Send back")),
        ("reopen", _("Reopen for editing")),
    ])
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DraftCommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DraftExportForm(forms.Form):
    export_format = forms.ChoiceField(choices=[
        ("markdown", _("Markdown")),
        ("html", _("HTML")),
        ("wxr", _("WordPress (WXR)")),
    ])
