"""Checks for files that come from outside (uploads, delivered data files), in plain Python.

Both `commune` (review layers) and `analytics` (GTFS timetables) open zip archives that someone
else made. `analytics` imports nothing from Django or `commune`, and `commune` reaches
`analytics` only through `mobility/warehouse/`; a check that both need therefore lives here, in
a package that imports neither, so that there is one implementation to review and to test.
"""
