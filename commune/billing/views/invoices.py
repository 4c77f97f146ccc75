"""Finance's invoice pages: the list (filters: status, overdue, source), one invoice with its
lines, payments, reminders and credit notes, its PDF, its cancellation and a payment recorded
by hand. Finance officers and the municipality administrators only; another town's invoice
is a 404."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from commune.accounts.access import staff_required
from commune.billing import selectors, workflow
from commune.billing.access import FINANCE, access_invoice, access_invoice_for_debtor
from commune.billing.forms import CancelForm, CreditForm, PaymentForm
from commune.billing.mails import invoice_mail_later
from commune.billing.models import Invoice
from commune.billing.pdf import invoice_pdf
from commune.billing.references import reference_display
from commune.billing.services.credit import credit_note_issue, credit_note_refunded
from commune.billing.services.invoices import (
    BillingError,
    Line,
    credited_total,
    invoice_cancel,
)
from commune.billing.services.payments import invoice_balance, payment_record
from commune.core.idempotency import owned_key


def _detail_url(request, invoice: Invoice) -> str:
    return reverse(
        "billing:invoice", kwargs={"town": request.municipality.slug, "invoice_id": invoice.pk}
    )


@staff_required(*FINANCE)
@require_GET
def invoice_list(request):
    town = request.municipality
    status = request.GET.get("status", "")
    status = status if status in Invoice.Status.values else ""
    overdue = request.GET.get("overdue") == "1"
    source = request.GET.get("source", "")[:30]
    search = request.GET.get("q", "").strip()[:60]
    invoices = selectors.invoice_list(
        municipality=town,
        status=status,
        overdue_on=timezone.localdate() if overdue else None,
        source_kind=source,
        search=search,
    )
    page = Paginator(invoices, 50).get_page(request.GET.get("page"))
    sources = (
        Invoice.objects.filter(municipality=town)
        .order_by("source_kind")
        .values_list("source_kind", flat=True)
        .distinct()
    )
    return render(
        request,
        "billing/invoice_list.html",
        {
            "page": page,
            "statuses": Invoice.Status.choices,
            "sources": list(sources),
            "filters": {"status": status, "overdue": overdue, "source": source, "q": search},
            "today": timezone.localdate(),
            "awaiting": sorted(workflow.AWAITING_PAYMENT),
        },
    )


def _detail_context(
    request, invoice: Invoice, *, cancel_form=None, payment_form=None, credit_form=None
) -> dict:
    today = timezone.localdate()
    awaiting = invoice.kind == Invoice.Kind.INVOICE and invoice.status in (
        workflow.AWAITING_PAYMENT
    )
    return {
        "invoice": invoice,
        "lines": invoice.lines.all(),
        "payments": invoice.payments.select_related("recorded_by", "bank_entry"),
        "reminders": invoice.reminders.all(),
        "corrections": invoice.corrections.all(),
        "credited": credited_total(invoice),
        "balance": invoice_balance(invoice),
        "reference": reference_display(invoice.reference),
        "overdue": awaiting and invoice.due_on < today,
        "can_cancel": workflow.can_cancel(status=invoice.status, amount_paid=invoice.amount_paid)
        and invoice.kind == Invoice.Kind.INVOICE,
        "can_pay": awaiting,
        "can_credit": invoice.kind == Invoice.Kind.INVOICE
        and invoice.status != Invoice.Status.CANCELLED
        and credited_total(invoice) < invoice.total,
        "can_refund": invoice.kind == Invoice.Kind.CREDIT_NOTE
        and invoice.status in (Invoice.Status.OPEN, Invoice.Status.PARTLY_PAID),
        "credit_form": credit_form or CreditForm(initial={"key": uuid.uuid4()}),
        "cancel_form": cancel_form or CancelForm(),
        "payment_form": payment_form
        or PaymentForm(today=today, initial={"booked_on": today, "key": uuid.uuid4()}),
    }


@staff_required(*FINANCE)
@require_GET
def invoice_detail(request, invoice_id: int):
    invoice = access_invoice(municipality=request.municipality, invoice_id=invoice_id)
    return render(request, "billing/invoice_detail.html", _detail_context(request, invoice))


@require_GET
def invoice_download(request, invoice_id: int):
    """The invoice's PDF, for finance and for its debtor (the applicant a module billed)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    town = request.municipality
    invoice = access_invoice_for_debtor(municipality=town, user=request.user, invoice_id=invoice_id)
    settings = selectors.billing_settings_find(municipality=town)
    if settings is None:
        raise Http404
    body = invoice_pdf(invoice=invoice, settings=settings)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    return response


def _form_action(request, invoice: Invoice, *, form, form_name: str, field: str, act, done: str):
    """The shape of finance's form actions on an invoice: a valid form runs `act` (it returns
    the invoice to show next, or None for this one) and redirects there with `done`; an invalid
    form or a refusal of the service (a BillingError, shown on `field`) renders the invoice
    again with the form, status 400, nothing saved."""
    if form.is_valid():
        try:
            shown = act(form.cleaned_data)
        except BillingError as exc:
            form.add_error(field, str(exc))
        else:
            messages.success(request, done)
            return redirect(_detail_url(request, shown or invoice))
    context = _detail_context(request, invoice, **{form_name: form})
    return render(request, "billing/invoice_detail.html", context, status=400)


@staff_required(*FINANCE)
@require_POST
def invoice_cancel_view(request, invoice_id: int):
    invoice = access_invoice(municipality=request.municipality, invoice_id=invoice_id)

    def cancel(data) -> None:
        invoice_cancel(
            invoice=invoice, reason=data["reason"], actor=request.user, now=timezone.now()
        )

    return _form_action(
        request,
        invoice,
        form=CancelForm(request.POST),
        form_name="cancel_form",
        field="reason",
        act=cancel,
        done=_("The invoice is cancelled."),
    )


@staff_required(*FINANCE)
@require_POST
def invoice_payment(request, invoice_id: int):
    invoice = access_invoice(municipality=request.municipality, invoice_id=invoice_id)

    def record(data) -> None:
        payment_record(
            invoice=invoice,
            amount=data["amount"],
            booked_on=data["booked_on"],
            actor=request.user,
            note=data["note"],
            submission_key=owned_key(owner=request.user, key=data["key"]),
        )

    return _form_action(
        request,
        invoice,
        form=PaymentForm(request.POST, today=timezone.localdate()),
        form_name="payment_form",
        field="amount",
        act=record,
        done=_("The payment is recorded."),
    )


@staff_required(*FINANCE)
@require_POST
def invoice_credit(request, invoice_id: int):
    """A credit note on the invoice, mailed to the debtor; the form's key makes it once."""
    invoice = access_invoice(municipality=request.municipality, invoice_id=invoice_id)

    def credit(data) -> Invoice:
        kinds = [line.item_kind for line in invoice.lines.all() if line.item_kind != "deposit"]
        note = credit_note_issue(
            original=invoice,
            lines=[
                Line(
                    label=data["reason"],
                    unit_price=data["amount"],
                    item_kind=kinds[0] if kinds else "other",
                )
            ],
            reason=data["reason"],
            issued_on=timezone.localdate(),
            actor=request.user,
            purpose=f"credit-{owned_key(owner=request.user, key=data['key'])}",
        )
        invoice_mail_later(note)
        return note

    return _form_action(
        request,
        invoice,
        form=CreditForm(request.POST),
        form_name="credit_form",
        field="amount",
        act=credit,
        done=_("The credit note is issued and sent to the debtor."),
    )


@staff_required(*FINANCE)
@require_POST
def invoice_refunded(request, invoice_id: int):
    """Finance paid back what a credit note owed (POST again: nothing more)."""
    note = access_invoice(municipality=request.municipality, invoice_id=invoice_id)
    try:
        credit_note_refunded(note=note, refunded_on=timezone.localdate(), actor=request.user)
    except BillingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The credit note is marked refunded."))
    return redirect(_detail_url(request, note))
