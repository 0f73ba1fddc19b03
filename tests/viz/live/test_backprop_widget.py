"""viz.Backprop in the kernel: stepping through the lecture's example, the ledger, quiz mode."""

import math

import pytest

import autograd
import viz

LECTURE = "sin(w1*x + log(x)) + cos(x)"


def lecture():
    return viz.Backprop(LECTURE, x=2, w1=0.5)


def test_the_steps_are_forward_then_seed_then_backward():
    b = lecture()
    kinds = [s.kind for s in b.steps]
    assert kinds == ["forward"] * 6 + ["seed"] + ["backward"] * 6
    assert b.position == -1 and "press Next" in b.title.value


def test_next_and_prev_move_one_step_and_redraw():
    b = lecture()
    graph = b.graph.value
    b.next_button.click()
    assert b.position == 0 and "Step 1 of 13" in b.title.value
    assert "Forward" in b.ledger.value and "<svg" in b.graph.value
    for _ in range(12):
        b.next()
    assert b.position == 12
    b.next()  # past the end: stays
    assert b.position == 12
    b.prev_button.click()
    assert b.position == 11
    assert b.graph.value != graph


def test_the_last_step_has_the_engines_gradients():
    b = lecture()
    for _ in range(13):
        b.next()
    x = [leaf for leaf in b.step.grads if leaf.label == "x"][0]
    w1 = [leaf for leaf in b.step.grads if leaf.label == "w1"][0]
    # dy/dx = cos(w1 x + log x) (w1 + 1/x) - sin x ; dy/dw1 = cos(w1 x + log x) x
    u = 0.5 * 2 + math.log(2)
    assert b.step.grads[x] == pytest.approx(math.cos(u) * (0.5 + 0.5) - math.sin(2))
    assert b.step.grads[w1] == pytest.approx(math.cos(u) * 2)


def test_where_paths_meet_the_ledger_shows_the_plus_equals():
    b = viz.Backprop("a * b + a", a=2, b=-3)
    ledgers = []
    for _ in range(len(b.steps)):
        b.next()
        ledgers.append(b.ledger.value)
    assert any("paths meet: +=" in text for text in ledgers)


def test_a_value_can_be_stepped_through():
    x = autograd.Value(3.0, label="x")
    b = viz.Backprop(x * x)
    assert b.expression.disabled
    assert [s.kind for s in b.steps] == ["forward", "seed", "backward"]


def test_the_expression_box_rebuilds_the_graph():
    b = lecture()
    b.expression.value = "x * y"
    b.inputs.value = "x=2, y=5"
    b.build_button.click()
    assert len(b.steps) == 3 and b.root.data == 10.0


def test_a_bad_expression_in_the_box_is_shown_not_run():
    b = lecture()
    b.expression.value = "__import__('os').system('true')"
    b.build_button.click()
    assert "not allowed" in b.feedback.value or "column" in b.feedback.value
    assert len(b.steps) == 13  # the old graph stays


def test_a_bad_expression_at_construction_raises():
    with pytest.raises(ValueError, match="column"):
        viz.Backprop("x +* 2", x=1)


def test_quiz_holds_each_backward_step_until_answered():
    b = viz.Backprop(LECTURE, quiz=True, x=2, w1=0.5)
    for _ in range(20):
        b.next()
    assert b.position == 6 and b.waiting  # the seed is shown; the first backward step waits
    assert len(b.answers) == 2 and b.check_button.layout.display is None
    (_, first, _), (_, second, _) = b.questions()
    assert (first, second) == (1.0, 1.0)  # d (a + b)/da = d (a + b)/db = 1


def test_quiz_boxes_send_the_whole_answer_when_left_not_each_keystroke():
    b = viz.Backprop(LECTURE, quiz=True, x=2, w1=0.5)
    for _ in range(7):
        b.next()
    # Per keystroke, the browser would send Check's click before the last keys of a busy kernel.
    assert b.waiting and [box.continuous_update for box in b.answers] == [False, False]


def test_quiz_right_answers_turn_green_and_reveal_the_step():
    b = viz.Backprop(LECTURE, quiz=True, x=2, w1=0.5)
    for _ in range(7):
        b.next()
    b.answers[0].value, b.answers[1].value = "1", "1.0"
    b.check_button.click()
    assert b.position == 7 and all(m.right for m in b.marks)
    assert "Right" in b.feedback.value


def test_quiz_a_wrong_answer_shows_the_rule_and_holds_the_step():
    b = viz.Backprop(LECTURE, quiz=True, x=2, w1=0.5)
    for _ in range(7):
        b.next()
    b.check(["1", "2"])
    box = b.answers[1]
    assert b.position == 6 and b.waiting
    assert "Apply" in b.feedback.value and "d (a + b)/db = 1" in b.feedback.value
    assert box.style.background == "#f8d7d7"


def test_quiz_a_blank_answer_is_wrong():
    b = viz.Backprop(LECTURE, quiz=True, x=2, w1=0.5)
    for _ in range(7):
        b.next()
    marks = b.check(["1"])
    assert [m.right for m in marks] == [True, False]


def test_quiz_ends_with_a_summary():
    b = viz.Backprop("a * b", quiz=True, a=2, b=-3)
    b.next()
    b.next()  # forward, seed
    assert b.waiting
    b.check(["0", "2"])  # d(ab)/da = b = -3: wrong; d(ab)/db = a = 2: right
    b.check(["-3", "2"])
    assert b.position == 2
    assert "1 of 2 right at the first try (4 answers checked)" in b.feedback.value


def test_the_play_slider_moves_to_its_step():
    b = lecture()
    b.play_button.value = 5
    assert b.position == 5 and "Step 6 of 13" in b.title.value
    b.play_button.value = 2
    assert b.position == 2


def test_in_quiz_mode_play_stops_where_the_quiz_asks():
    b = viz.Backprop(LECTURE, quiz=True, x=2, w1=0.5)
    b.play_button.value = 12
    assert b.position == 6 and b.waiting
    assert b.play_button.value == 6


def test_the_graph_marks_the_steps_node_and_fades_what_is_not_computed():
    b = viz.Backprop("a * b + a", a=2, b=-3)  # v0 a, v1 b, v2 a*b, v3 a*b + a
    b.next()  # forward at a*b
    style = b.graph.value.split("</style>")[0]
    scope = b.graph.value.split('"')[1]
    assert f"#{scope} #v2 > :is(polygon, path)" in style and f"#{scope} #op2 > ellipse" in style
    assert f"#{scope} #v3, #{scope} #op3 {{opacity: 0.3}}" in style
    assert 'id="v2"' in b.graph.value
    other = viz.Backprop("a * b + a", a=2, b=-3)
    assert other.graph.value.split('"')[1] != scope  # two widgets on a page keep their own styles


def marked(b, colour):
    """The value-node ids the graph's style outlines in ``colour`` (red: the step's node, blue: inputs)."""
    style = b.graph.value.split("</style>")[0]
    return sorted(rule.split("#v")[1].split(" ")[0] for rule in style.split("}") if colour in rule)


def test_quiz_marks_the_node_it_asks_about_not_the_step_before():
    b = viz.Backprop("a * b + a", quiz=True, a=2, b=-3)  # v0 a, v1 b, v2 a*b, v3 a*b + a
    for _ in range(3):
        b.next()  # forward, forward, seed: the backward step at v3 waits
    assert b.waiting and b.steps[b.position + 1].node is b.root
    assert marked(b, "#d62728") == ["3"] and marked(b, "#1f77b4") == ["0", "2"]
    b.check(["1", "1"])  # right: the step at v3 is shown; the one at v2 (a*b) is asked
    assert b.position == 3 and b.waiting
    assert b.step.node is b.root and b.steps[4].node.data == -6.0
    assert marked(b, "#d62728") == ["2"] and marked(b, "#1f77b4") == ["0", "1"]
    b.check(["-2", "2"])  # grad(a) = 1 + b = -2, grad(b) = a = 2
    assert b.position == 4 and not b.waiting
    assert marked(b, "#d62728") == ["2"]
    b.prev()  # back to the step at v3, answered: no question, its own node is marked
    assert not b.waiting and marked(b, "#d62728") == ["3"]
