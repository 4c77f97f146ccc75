"""Neighbourhood help's writes, one function per action (neighbours.py: joining and proving an
address; posts.py: requests, offers, answers, matching, closing; notify.py: the mails)."""
