import pytest

from commune.accounts.tests.factories import UserFactory
from commune.tenants.scoping import scope

from .factories import ReviewTaskFactory


@pytest.mark.parametrize(
    "path",
    [
        "permitrequest",
        "permitsettings",
        "routingrule",
        "reviewlayer",
        "standardcondition",
        "resurfacedstreet",
        "deemedopinionrule",
    ],
)
def test_platform_admin_lists_permit_configuration(staff_client, town_a, path):
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert staff_client(admin).get(f"/admin/permits/{path}/").status_code == 200


def test_platform_admin_reads_a_request_with_its_tasks(staff_client, town_a):
    with scope(town_a):
        task = ReviewTaskFactory(municipality=town_a)
    admin = UserFactory(is_superuser=True, is_staff=True)
    response = staff_client(admin).get(f"/admin/permits/permitrequest/{task.permit_id}/change/")
    assert response.status_code == 200
    assert task.department.name in response.content.decode()
