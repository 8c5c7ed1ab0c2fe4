from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from seoassist.drafting.models import Draft


class CheckDismissal(models.Model):
    """An editor's decision to ignore one analysis check on one draft, with the reason."""

    draft = models.ForeignKey(
        Draft, on_delete=models.CASCADE, related_name="check_dismissals", verbose_name=_("draft")
    )
    check_id = models.CharField(_("check"), max_length=60)
    reason = models.CharField(_("reason"), max_length=500)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="check_dismissals", verbose_name=_("dismissed by"),
    )
    created_at = models.DateTimeField(_("dismissed"), auto_now_add=True)

    class Meta:
        ordering = ["draft", "check_id"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "check_id"], name="unique_check_dismissal")
        ]
        verbose_name = _("dismissed check")
        verbose_name_plural = _("dismissed checks")

    def __str__(self) -> str:
        return f"{self.draft} / {self.check_id}"
