"""Neighbourhood help's pages: neighbours.py (joining, posting, answering, talking) and
desk.py (the coordinator's desk: phone requests, call-backs, verification, letters)."""
