from commune.mobility import demo
from commune.mobility.models import Sensor
from commune.tenants.scoping import scope


def test_demo_sensors_load_twice_without_duplicates(town_a, town_b):
    demo.load([town_a, town_b])
    demo.load([town_a, town_b])
    with scope(town_a):
        assert Sensor.objects.count() == len(demo.SENSORS["pully"])
    with scope(town_b):
        assert Sensor.objects.count() == len(demo.SENSORS["lutry"])
