"""The exam catalogue: list for everyone, edit, import and export (Excel) for the director."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from yiji.core.permissions import Action, may
from yiji.core.views import XLSX, requires
from yiji.orders import catalogue as service
from yiji.orders.forms import ImportForm, ItemForm
from yiji.orders.models import ExamItem, Modality


@requires(Action.VIEW_RULES)
def catalogue_list(request: HttpRequest) -> HttpResponse:
    items = ExamItem.objects.select_related("department").order_by("modality", "code")
    query = request.GET.get("q", "").strip()
    modality = request.GET.get("modality", "")
    if query:
        items = items.filter(
            Q(code__icontains=query) | Q(name__contains=query) | Q(name_en__icontains=query)
        )
    if modality in Modality.values:
        items = items.filter(modality=modality)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/catalogue.html",
        {
            "page": page,
            "q": query,
            "modality": modality,
            "modalities": Modality.choices,
            "can_edit": may(request.user, Action.MANAGE_CATALOGUE),
            "import_form": ImportForm(),
        },
    )


@requires(Action.MANAGE_CATALOGUE)
def item_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    item = get_object_or_404(ExamItem, pk=pk) if pk else None
    form = ItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        service.save_item(request.user, form.instance if item else form.save(commit=False))
        messages.success(request, _("Exam item saved."))
        return redirect("catalogue")
    return render(request, "orders/item_form.html", {"form": form, "item": item})


@requires(Action.VIEW_RULES)
def export(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(service.export_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="exam-catalogue.xlsx"'
    return response


@requires(Action.MANAGE_CATALOGUE)
def import_items(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = service.import_xlsx(request.user, form.cleaned_data["file"])
        if result.errors:
            for error in result.errors[:20]:
                messages.error(request, error)
            messages.error(request, _("Nothing was imported: correct the rows above and retry."))
        else:
            messages.success(
                request,
                _("Imported: %(new)d new, %(changed)d changed.")
                % {"new": result.created, "changed": result.updated},
            )
    return redirect("catalogue")
