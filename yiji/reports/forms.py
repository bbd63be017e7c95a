from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from yiji.core.forms import SignatureForm
from yiji.reports.models import ImageGrade


class PositiveSelect(forms.NullBooleanSelect):
    """阳性/阴性 as a list that shows the saved value again (a plain Select rendered True as
    "True", matched no option, and the next save cleared the flag)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", "—"), ("true", _("Positive")), ("false", _("Negative"))]


class ReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    findings = forms.CharField(
        label=capfirst(_("findings")), widget=forms.Textarea(attrs={"rows": 10}), required=False
    )
    impression = forms.CharField(
        label=capfirst(_("impression")), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    positive = forms.NullBooleanField(
        label=capfirst(_("positive finding")), required=False, widget=PositiveSelect
    )
    difficult = forms.BooleanField(label=capfirst(_("difficult case")), required=False)
    teaching = forms.BooleanField(label=capfirst(_("teaching case")), required=False)
    category = forms.CharField(
        label=capfirst(_("structured category")), max_length=8, required=False
    )
    image_grade = forms.ChoiceField(
        label=capfirst(_("image quality grade")),
        choices=[("", "—")] + ImageGrade.choices,
        required=False,
    )


class SignForm(SignatureForm):
    pass


class AddendumForm(SignatureForm):
    text = forms.CharField(label=_("addendum"), widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label=_("reason"), max_length=200)

    field_order = ["text", "reason", "signature"]


def report_form_for(item, *args, **kwargs) -> ReportForm:
    """The category becomes a list of the item's scheme, or disappears where none applies."""
    from yiji.reports.structured import SCHEMES, scheme_for

    form = ReportForm(*args, **kwargs)
    scheme = scheme_for(item)
    if scheme:
        form.fields["category"] = forms.ChoiceField(
            label=scheme, required=False, choices=[("", "—")] + [(c, c) for c in SCHEMES[scheme]]
        )
    else:
        form.fields.pop("category")
    return form


class LungRadsForm(forms.Form):
    """The dominant nodule of a low-dose CT lung screening (Lung-RADS v2022)."""

    density = forms.ChoiceField(label=_("Nodule density"), choices=[])
    size_mm = forms.DecimalField(
        label=_("Mean diameter (mm)"), required=False, min_value=0, max_value=300,
        decimal_places=1,
    )  # fmt: skip
    solid_mm = forms.DecimalField(
        label=_("Solid component (mm)"), required=False, min_value=0, max_value=300,
        decimal_places=1, help_text=_("Part-solid nodules only."),
    )  # fmt: skip
    lobe = forms.ChoiceField(label=_("Location"), choices=[], required=False)
    behaviour = forms.ChoiceField(label=_("Behaviour"), choices=[])
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        from yiji.reports import lung_rads

        super().__init__(*args, **kwargs)
        self.fields["density"].choices = [(k, v[1]) for k, v in lung_rads.DENSITIES.items()]
        self.fields["lobe"].choices = [("", "—")] + [(k, v[1]) for k, v in lung_rads.LOBES.items()]
        self.fields["behaviour"].choices = [(k, v[1]) for k, v in lung_rads.BEHAVIOURS.items()]

    def nodule(self):
        from yiji.reports.lung_rads import Nodule

        data = self.cleaned_data
        return Nodule(
            density=data["density"], size_mm=data["size_mm"], solid_mm=data["solid_mm"],
            lobe=data["lobe"], behaviour=data["behaviour"],
        )  # fmt: skip


class TemplateForm(forms.ModelForm):
    shared = forms.BooleanField(
        label=_("Department template (for everyone)"), required=False,
        help_text=_("The director and group leaders maintain the department's templates."),
    )  # fmt: skip

    class Meta:
        from yiji.reports.models import ReportTemplate

        model = ReportTemplate
        fields = ["name", "modality", "body_part", "item", "findings", "impression"]
        widgets = {
            "findings": forms.Textarea(attrs={"rows": 4}),
            "impression": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        from yiji.orders.models import ExamItem, Modality

        super().__init__(*args, **kwargs)
        self.fields["modality"] = forms.ChoiceField(
            label=_("modality"), required=False, choices=[("", "—")] + Modality.choices
        )
        self.fields["item"].queryset = ExamItem.objects.filter(active=True).order_by("code")
        self.fields["item"].required = False


class TiRadsForm(forms.Form):
    """One thyroid nodule, scored by ACR TI-RADS."""

    composition = forms.ChoiceField(label=_("Composition"), choices=[])
    echogenicity = forms.ChoiceField(label=_("Echogenicity"), choices=[])
    shape = forms.ChoiceField(label=_("Shape"), choices=[])
    margin = forms.ChoiceField(label=_("Margin"), choices=[])
    foci = forms.MultipleChoiceField(
        label=_("Echogenic foci"), choices=[], required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    size_mm = forms.DecimalField(
        label=_("Largest diameter (mm)"), min_value=0, max_value=200, decimal_places=1,
        required=False,
    )  # fmt: skip
    lobe = forms.ChoiceField(label=_("Location"), choices=[], required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        from yiji.reports import ti_rads

        super().__init__(*args, **kwargs)
        for name, table in (
            ("composition", ti_rads.COMPOSITION), ("echogenicity", ti_rads.ECHOGENICITY),
            ("shape", ti_rads.SHAPE), ("margin", ti_rads.MARGIN), ("foci", ti_rads.FOCI),
        ):  # fmt: skip
            self.fields[name].choices = [(k, v[2]) for k, v in table.items()]
        self.fields["lobe"].choices = [("", "—")] + [(k, v[1]) for k, v in ti_rads.LOBES.items()]

    def nodule(self):
        from yiji.reports.ti_rads import Nodule

        data = self.cleaned_data
        return Nodule(
            composition=data["composition"], echogenicity=data["echogenicity"],
            shape=data["shape"], margin=data["margin"], foci=tuple(data["foci"]),
            size_mm=data["size_mm"], lobe=data["lobe"],
        )  # fmt: skip


class LiRadsForm(forms.Form):
    """One liver observation, categorised by LI-RADS (CT/MRI v2018)."""

    aphe = forms.TypedChoiceField(
        label=_("Non-rim arterial-phase hyperenhancement"),
        choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes", empty_value=None, required=False,
    )  # fmt: skip
    size_mm = forms.DecimalField(
        label=_("Size (mm)"), min_value=0, max_value=300, decimal_places=1, required=False
    )
    features = forms.MultipleChoiceField(
        label=_("Additional major features"), choices=[], required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    segment = forms.ChoiceField(label=_("Segment"), choices=[], required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        from yiji.reports import li_rads

        initial = kwargs.get("initial") or {}
        if isinstance(initial.get("aphe"), bool):  # kept on the report as true/false
            initial["aphe"] = "yes" if initial["aphe"] else "no"
        super().__init__(*args, **kwargs)
        self.fields["features"].choices = [(k, v[1]) for k, v in li_rads.FEATURES.items()]
        self.fields["segment"].choices = [("", "—")] + [
            (k, v[1]) for k, v in li_rads.SEGMENTS.items()
        ]

    def nodule(self):
        from yiji.reports.li_rads import Observation

        data = self.cleaned_data
        return Observation(
            aphe=data["aphe"], size_mm=data["size_mm"], features=tuple(data["features"]),
            segment=data["segment"],
        )  # fmt: skip


class BiRadsForm(forms.Form):
    """One breast lesion, categorised by BI-RADS (counting method)."""

    kind = forms.ChoiceField(label=_("Lesion"), choices=[])
    side = forms.ChoiceField(label=_("Side"), choices=[], required=False)
    clock = forms.CharField(label=_("Clock position"), max_length=5, required=False)
    size_mm = forms.DecimalField(
        label=_("Size (mm)"), min_value=0, max_value=300, decimal_places=1, required=False
    )
    features = forms.MultipleChoiceField(
        label=_("Suspicious features"), choices=[], required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        from yiji.reports import bi_rads

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, v[1]) for k, v in bi_rads.KINDS.items()]
        self.fields["side"].choices = [("", "—")] + [(k, v[1]) for k, v in bi_rads.SIDES.items()]
        self.fields["features"].choices = [(k, v[1]) for k, v in bi_rads.SUSPICIOUS.items()]

    def nodule(self):
        from yiji.reports.bi_rads import Lesion

        data = self.cleaned_data
        return Lesion(
            kind=data["kind"], side=data["side"], clock=data["clock"].strip(),
            size_mm=data["size_mm"], features=tuple(data["features"]),
        )  # fmt: skip
