"""The draft panel for one contact, its live check endpoint, "log as sent", and the
user's own templates. Views only gather, call the checks or a service, and render."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from contacts.models import Contact
from contacts.ownership import get_owned_or_404
from followups.models import FollowUp
from interactions.choices import Channel, Direction, Purpose, Value
from interactions.drafting import check_draft, gather_facts, mentioned_facts
from interactions.drafting.forms import PURPOSE_VALUE, DraftForm, LogSentForm, MessageTemplateForm
from interactions.drafting.lexicon import lookup
from interactions.drafting.message_templates import (
    BUILT_IN,
    BUILT_IN_BY_KEY,
    FOLLOWUP_TEMPLATE,
    PLACEHOLDERS,
    from_model,
)
from interactions.drafting.message_templates import (
    render as render_template,
)
from interactions.drafting.preview import KIND_LABELS, mailto, segments
from interactions.models import MessageTemplate
from interactions.services import interaction_log

PAGE = "interactions/draft.html"


def _followup(user, contact: Contact, followup_id) -> FollowUp | None:
    if followup_id in (None, ""):
        return None
    followup = get_owned_or_404(FollowUp.objects.select_related("resource"), user, pk=followup_id)
    if followup.contact_id != contact.pk:
        raise Http404("No such follow-up for this contact.")
    return followup


def _chosen_template(user, key: str):
    if key.startswith("user:"):
        return from_model(get_owned_or_404(MessageTemplate, user, pk=key.removeprefix("user:")))
    if key in BUILT_IN_BY_KEY:
        return BUILT_IN_BY_KEY[key]
    raise Http404("No such template.")


def _findings_context(contact, facts, data: dict) -> dict:
    body, subject = data.get("body", ""), data.get("subject", "")
    findings = check_draft(
        body, channel=data.get("channel"), purpose=data.get("purpose"), facts=facts
    )
    warnings = [f for f in findings if f.is_warning]
    return {
        "findings": _display_items(body, findings),
        "warning_count": len(warnings),
        "segments": segments(body, findings),
        "mentioned": mentioned_facts(body, facts) if body.strip() else [],
        "mailto": mailto(contact.email, subject, body),
        "body": body,
    }


def _display_items(body: str, findings) -> list[dict]:
    """One row per finding, except jargon: one row listing every term and its plain
    alternative, so ten terms do not push everything else off the screen."""
    items, jargon = [], None
    for finding in findings:
        if finding.kind == "jargon":
            term = body[finding.start : finding.end]
            entry = lookup(term)
            if jargon is None:
                jargon = {"finding": finding, "label": KIND_LABELS["jargon"], "terms": []}
                items.append(jargon)
            jargon["terms"].append((term, entry.plain if entry else finding.suggestion))
        else:
            items.append({"finding": finding, "label": KIND_LABELS.get(finding.kind, finding.kind)})
    return items


def _page_context(request, contact, facts, form, followup, chosen) -> dict:
    user_templates = list(MessageTemplate.objects.for_user(request.user))
    data = (
        form.cleaned_data
        if form.is_bound and form.is_valid()
        else {name: form[name].value() or "" for name in ("channel", "purpose", "subject", "body")}
    )
    return {
        "contact": contact,
        "facts": facts,
        "personal": facts.personal(),
        "form": form,
        "followup": followup,
        "chosen": chosen,
        "built_in": [render_template(t, facts, user=request.user) for t in BUILT_IN],
        "user_templates": [
            render_template(from_model(t), facts, user=request.user) for t in user_templates
        ],
        **_findings_context(contact, facts, data),
    }


@require_GET
def draft(request, pk: int):
    contact = get_owned_or_404(
        Contact.objects.select_related("met_at_event", "owner"), request.user, pk=pk
    )
    followup = _followup(request.user, contact, request.GET.get("followup"))
    facts = gather_facts(contact, followup=followup)
    key = request.GET.get("template") or (
        FOLLOWUP_TEMPLATE.get(followup.kind, "") if followup else ""
    )
    chosen = (
        render_template(_chosen_template(request.user, key), facts, user=request.user)
        if key
        else None
    )
    purpose = chosen.template.purpose if chosen else Purpose.OTHER
    value, value_kind = PURPOSE_VALUE.get(purpose, (Value.NEUTRAL, ""))
    preferred = contact.preferred_channel
    form = LogSentForm(
        initial={
            "channel": preferred if preferred in Channel.written() else Channel.EMAIL,
            "purpose": purpose,
            "subject": chosen.subject if chosen else "",
            "body": chosen.body if chosen else "",
            "followup": followup.pk if followup else None,
            "value": value,
            "value_kind": value_kind,
            "awaiting_reply": purpose == Purpose.REQUEST,
        }
    )
    return render(request, PAGE, _page_context(request, contact, facts, form, followup, chosen))


@require_POST
def draft_check(request, pk: int):
    """The live check: HTMX posts the draft as the user types and gets the findings
    fragment back; without JavaScript the same post renders the whole page."""
    contact = get_owned_or_404(
        Contact.objects.select_related("met_at_event", "owner"), request.user, pk=pk
    )
    form = DraftForm(request.POST)
    followup = _followup(request.user, contact, request.POST.get("followup"))
    facts = gather_facts(contact, followup=followup)
    if not form.is_valid():
        status = 400
        context = {"contact": contact, "form_errors": form.errors}
        if request.htmx:
            return render(request, f"{PAGE}#findings", context, status=status)
        page_form = LogSentForm(request.POST)
        return render(
            request,
            PAGE,
            _page_context(request, contact, facts, page_form, followup, None),
            status=status,
        )
    if request.htmx:
        return render(
            request,
            f"{PAGE}#findings",
            {"contact": contact, **_findings_context(contact, facts, form.cleaned_data)},
        )
    page_form = LogSentForm(initial={**form.cleaned_data, "value": Value.NEUTRAL})
    return render(request, PAGE, _page_context(request, contact, facts, page_form, followup, None))


@require_POST
def draft_log(request, pk: int):
    contact = get_owned_or_404(
        Contact.objects.select_related("met_at_event", "owner"), request.user, pk=pk
    )
    followup = _followup(request.user, contact, request.POST.get("followup"))
    form = LogSentForm(request.POST)
    if not form.is_valid():
        facts = gather_facts(contact, followup=followup)
        context = _page_context(request, contact, facts, form, followup, None)
        return render(request, PAGE, context, status=400)
    data = form.cleaned_data
    summary = f"{data['subject']}\n\n{data['body']}" if data["subject"] else data["body"]
    interaction_log(
        owner=request.user,
        contact=contact,
        occurred_at=timezone.now(),
        channel=data["channel"],
        direction=Direction.OUTBOUND,
        purpose=data["purpose"],
        summary=summary,
        value=data["value"],
        value_kind=data["value_kind"],
        awaiting_reply=data["awaiting_reply"],
        resource=followup.resource if followup is not None else None,
    )
    messages.success(request, f"Logged your message to {contact.display_name}.")
    if request.htmx:
        return HttpResponseClientRedirect(contact.get_absolute_url())
    return redirect(contact)


# --- the user's own templates ------------------------------------------------------------


@require_GET
def template_list(request):
    templates = MessageTemplate.objects.for_user(request.user)
    return render(request, "interactions/draft_templates.html", {"templates": templates})


@require_http_methods(["GET", "POST"])
def template_create(request):
    form = MessageTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        template = form.save(commit=False)
        template.owner = request.user
        template.save()
        messages.success(request, f"Saved the template “{template.name}”.")
        return redirect("draft_template_list")
    status = 400 if form.is_bound else 200
    context = {"form": form, "placeholders": PLACEHOLDERS}
    return render(request, "interactions/draft_template_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def template_update(request, pk: int):
    template = get_owned_or_404(MessageTemplate, request.user, pk=pk)
    form = MessageTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved the template “{template.name}”.")
        return redirect("draft_template_list")
    status = 400 if form.is_bound else 200
    context = {"form": form, "template": template, "placeholders": PLACEHOLDERS}
    return render(request, "interactions/draft_template_form.html", context, status=status)


@require_POST
def template_delete(request, pk: int):
    template = get_owned_or_404(MessageTemplate, request.user, pk=pk)
    template.delete()
    messages.success(request, f"Deleted the template “{template.name}”.")
    return redirect(reverse("draft_template_list"))
