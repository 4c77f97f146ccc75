from commune.accounts import demo as accounts_demo
from commune.permits import demo
from commune.permits.models import Finding, PermitRequest, ReviewTask
from commune.tenants import demo as tenants_demo
from commune.tenants.scoping import scope


def test_demo_loads_requests_in_various_states_and_twice_changes_nothing(db):
    towns = tenants_demo.load()
    accounts_demo.load(towns)
    demo.load(towns)
    pully = towns[0]
    with scope(pully):
        first = dict(PermitRequest.objects.values_list("submission_key", "status"))
        statuses = set(first.values())
        assert {
            "granted",
            "in_review",
            "complement_requested",
            "works_started",
            "draft",
        } <= statuses
        assert PermitRequest.objects.filter(is_routine=True).exists()
        assert ReviewTask.objects.filter(reason="layer").exists()
        assert Finding.objects.filter(kind="conflict").exists()
        # every drawn request is placed on a street of the town's address layer
        drawn = PermitRequest.objects.exclude(areas=None).distinct()
        labels = list(drawn.values_list("location_label", flat=True))
        assert labels and "" not in labels, labels
    demo.load(towns)
    with scope(pully):
        assert dict(PermitRequest.objects.values_list("submission_key", "status")) == first


def test_demo_shows_the_loops_of_issue_8(db):
    """A conflict named on both files, an emergency not yet decided but on the public map with
    its start declared, and a street inspected with defects to repair by a date."""
    from commune.permits.models import Inspection  # noqa: PLC0415 - this test's own model
    from commune.permits.public.selectors import works_public  # noqa: PLC0415

    towns = tenants_demo.load()
    accounts_demo.load(towns)
    demo.load(towns)
    pully = towns[0]
    with scope(pully):
        pairs = set(
            Finding.objects.filter(kind="conflict").values_list("permit_id", "other_permit_id")
        )
        assert pairs and all((b, a) in pairs for a, b in pairs)
        urgent = PermitRequest.objects.get(is_emergency=True, status="in_review")
        assert urgent.works_started_at is not None
        assert works_public(municipality=pully).filter(pk=urgent.pk).exists()
        defects = Inspection.objects.get(result="defects", resolved_at__isnull=True)
        assert defects.permit.status == "inspected_defects" and defects.fix_by
