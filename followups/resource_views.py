"""Pages for promises (commitments) and articles to share (resources): list, add, edit,
and mark a promise kept or broken."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contacts.models import Contact
from contacts.ownership import get_owned_or_404
from followups.commitments import commitment_break, commitment_keep, kept_on_time_rate
from followups.forms import CommitmentCloseForm, CommitmentForm, ResourceForm
from followups.models import Commitment, CommitmentStatus, Preferences, Resource
from followups.services import commitment_save, resource_save

COMMITMENTS = "followups/commitments.html"
RESOURCES = "followups/resources.html"


@require_GET
def commitment_list(request: HttpRequest) -> HttpResponse:
    today = Preferences.for_user(request.user).local_today()
    commitments = Commitment.objects.for_user(request.user).select_related("contact")
    context = {
        "open": list(commitments.filter(status=CommitmentStatus.OPEN)),
        "closed": list(
            commitments.exclude(status=CommitmentStatus.OPEN).order_by("-completed_on", "-id")[:50]
        ),
        "record": kept_on_time_rate(request.user),
        "today": today,
        "nav": "commitments",
    }
    return render(request, COMMITMENTS, context)


def _commitment_form(request: HttpRequest, commitment: Commitment) -> HttpResponse:
    initial = {}
    if commitment.pk is None and request.GET.get("contact"):
        initial["contact"] = get_owned_or_404(Contact, request.user, pk=request.GET["contact"])
    form = CommitmentForm(
        request.POST or None, instance=commitment, initial=initial, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        commitment_save(owner=request.user, commitment=form.save(commit=False))
        messages.success(request, f"Saved the promise: {form.instance.description}.")
        return redirect("commitment_list")
    status = 400 if form.errors else 200
    context = {"form": form, "commitment": commitment, "nav": "commitments"}
    return render(request, "followups/commitment_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def commitment_create(request: HttpRequest) -> HttpResponse:
    return _commitment_form(request, Commitment())


@require_http_methods(["GET", "POST"])
def commitment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _commitment_form(request, get_owned_or_404(Commitment, request.user, pk=pk))


@require_POST
def commitment_close(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = get_owned_or_404(Commitment.objects.select_related("contact"), request.user, pk=pk)
    today = Preferences.for_user(request.user).local_today()
    form = CommitmentCloseForm(request.POST)
    error = ""
    if not form.is_valid():
        error = "Choose kept or broken."
    else:
        close = commitment_keep if form.cleaned_data["outcome"] == "kept" else commitment_break
        try:
            close(commitment, on=today)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if request.htmx:
        context = {"commitment": commitment, "today": today, "error": error}
        return render(request, f"{COMMITMENTS}#commitment-row", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request, f"Marked {commitment.get_status_display().lower()}: {commitment}."
        )
    return redirect("commitment_list")


@require_GET
def resource_list(request: HttpRequest) -> HttpResponse:
    resources = (
        Resource.objects.for_user(request.user)
        .prefetch_related("topics")
        .annotate(shared=Count("followups", filter=Q(followups__status="done")))
    )
    return render(request, RESOURCES, {"resources": resources, "nav": "resources"})


def _resource_form(request: HttpRequest, resource: Resource) -> HttpResponse:
    form = ResourceForm(request.POST or None, instance=resource, user=request.user)
    if request.method == "POST" and form.is_valid():
        resource_save(
            owner=request.user,
            resource=form.save(commit=False),
            topics=form.cleaned_data["topics"],
            new_topic_names=form.cleaned_data["new_topics"],
        )
        messages.success(request, f"Saved “{form.instance.title}”.")
        return redirect("resource_list")
    status = 400 if form.errors else 200
    context = {"form": form, "resource": resource, "nav": "resources"}
    return render(request, "followups/resource_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def resource_create(request: HttpRequest) -> HttpResponse:
    return _resource_form(request, Resource())


@require_http_methods(["GET", "POST"])
def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _resource_form(request, get_owned_or_404(Resource, request.user, pk=pk))
