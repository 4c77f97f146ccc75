"""The applicant's organisation on the request form: preselected with its invoicing address
when there is one, a choice when there are several (the page fills the address in)."""

from __future__ import annotations

import json

from commune.accounts.tests.factories import OrganisationFactory, add_member


def test_the_only_organisation_is_preselected_with_its_invoicing_address(client, town_a, applicant):
    # given: the applicant works for one company
    company = OrganisationFactory(
        name="Génie Civil du Léman SA", invoice_address="Case postale 12\n1001 Lausanne"
    )
    add_member(company, applicant)
    client.force_login(applicant)
    # when
    form = client.get("/pully/permits/new/").context["form"]
    # then
    assert form["organisation"].value() == company.pk
    assert form["invoice_address"].value() == "Case postale 12\n1001 Lausanne"


def test_with_several_organisations_none_is_chosen_for_the_applicant(client, town_a, applicant):
    # given: two companies
    first = OrganisationFactory(name="Alpha SA", invoice_address="Rue A 1, 1009 Pully")
    second = OrganisationFactory(name="Beta SA", invoice_address="Rue B 2, 1095 Lutry")
    add_member(first, applicant)
    add_member(second, applicant)
    client.force_login(applicant)
    # when
    response = client.get("/pully/permits/new/")
    form = response.context["form"]
    # then: the applicant chooses; the page knows each one's invoicing address
    assert not form["organisation"].value()
    assert not form["invoice_address"].value()
    widget = form.fields["organisation"].widget
    assert json.loads(widget.attrs["data-invoice-addresses"]) == {
        str(first.pk): "Rue A 1, 1009 Pully",
        str(second.pk): "Rue B 2, 1095 Lutry",
    }
    assert "data-invoice-addresses" in response.content.decode()


def test_an_organisation_of_someone_else_is_not_offered(client, town_a, applicant):
    OrganisationFactory(name="Autre SA", invoice_address="Ailleurs")
    client.force_login(applicant)
    form = client.get("/pully/permits/new/").context["form"]
    assert list(form.fields["organisation"].queryset) == []
    assert form["organisation"].value() is None
    assert json.loads(form.fields["organisation"].widget.attrs["data-invoice-addresses"]) == {}
