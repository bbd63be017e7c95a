from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The layer above the apps: what spans all of them (the demo hospital, the synthetic
    generator and their commands). No app imports it."""

    name = "yiji.site"
    label = "site"
    verbose_name = _("Site")
