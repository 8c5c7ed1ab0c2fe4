from django import forms
from django.utils.translation import gettext_lazy as _

from seoassist.drafting.models import Draft


class KeywordRequestForm(forms.Form):
    keywords = forms.CharField(
        label=_("Keywords"),
        max_length=600,
        help_text=_("1 to 5 keywords, separated by commas or 、. Japanese or English."),
        widget=forms.TextInput(attrs={"autofocus": True, "placeholder": _("e.g. 花粉症, 対策")}),
    )
    language = forms.ChoiceField(
        label=_("Language of the draft"),
        choices=[("", _("Detect from the keywords")), ("ja", _("Japanese")), ("en", _("English"))],
        required=False,
    )
    target_length = forms.IntegerField(
        label=_("Target length"),
        required=False,
        min_value=100,
        max_value=10000,
        help_text=_("Characters for Japanese (default 1500), words for English (default 600)."),
    )


class DraftForm(forms.ModelForm):
    class Meta:
        model = Draft
        fields = ["title", "slug", "meta_description", "body"]
        widgets = {
            "meta_description": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 24, "class": "markdown-input"}),
        }
