"""The transitions table: who may move a post where."""

import pytest

from commune.help import workflow


@pytest.mark.parametrize(
    ("current", "target", "actor", "expected"),
    [
        ("open", "matched", "author", True),
        ("open", "matched", "partner", False),
        ("open", "no_one_found", "coordinator", True),
        ("open", "no_one_found", "author", False),
        ("matched", "done", "partner", True),
        ("matched", "open", "partner", False),
        ("done", "open", "coordinator", False),
        ("cancelled", "open", "author", False),
    ],
)
def test_the_table_says_who_moves_a_post(current, target, actor, expected):
    assert workflow.allowed(current, target, actor=actor) is expected


def test_check_refuses_a_move_outside_the_table():
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.check("done", "matched", actor="coordinator")


def test_the_coordinator_can_close_an_open_request_every_way():
    assert set(workflow.actions("open", actor="coordinator")) == {
        "matched",
        "no_one_found",
        "cancelled",
    }
