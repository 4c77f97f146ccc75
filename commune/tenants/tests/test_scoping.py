import pytest

from commune.tenants.models import Department
from commune.tenants.scoping import ScopeError, scope, scopes_disabled
from commune.tenants.tests.factories import DepartmentFactory


def test_query_outside_a_scope_raises(town_a):
    # given
    with scope(town_a):
        DepartmentFactory(municipality=town_a)
    # when / then
    with pytest.raises(ScopeError):
        list(Department.objects.all())


def test_scoped_query_sees_only_its_own_town(town_a, town_b):
    # given
    with scopes_disabled():
        mine = DepartmentFactory(municipality=town_a, code="roads")
        DepartmentFactory(municipality=town_b, code="roads")
    # when
    with scope(town_a):
        seen = list(Department.objects.all())
        count = Department.objects.count()
    # then
    assert seen == [mine]
    assert count == 1


def test_scopes_disabled_sees_every_town(town_a, town_b):
    with scopes_disabled():
        DepartmentFactory(municipality=town_a)
        DepartmentFactory(municipality=town_b)
        assert Department.objects.count() == 2
