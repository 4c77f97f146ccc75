"""Neighbourhood help's data: the town's neighbourhoods, verified neighbours and their codes,
people without an account (the phone channel), posts (requests and offers), answers, messages."""

from .neighbour import Block, Neighbour, Neighbourhood, VerificationCode
from .post import Answer, Caller, Category, Message, Post, Report

__all__ = [
    "Answer",
    "Block",
    "Caller",
    "Category",
    "Message",
    "Neighbour",
    "Neighbourhood",
    "Post",
    "Report",
    "VerificationCode",
]
