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
    demo.load(towns)
    with scope(pully):
        assert dict(PermitRequest.objects.values_list("submission_key", "status")) == first
