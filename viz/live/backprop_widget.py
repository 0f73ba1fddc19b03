"""``viz.Backprop``: step through the forward and backward pass of any expression, or be quizzed on it.

The steps are ``viz.backprop_steps(root, forward=True)``: each forward op, the seed
d y/d y = 1, and one backward step per op node, whose ledger reads
grad(input) += grad(out) × d out/d input (the ``+=`` is where paths meet). In quiz mode
each backward step is held back until the student has typed the gradient every input
has after it; ``quiz.mark`` checks it (relative tolerance 1e-3).
"""

from __future__ import annotations

import html
import itertools

import graphviz

import autograd

from .. import backprop_steps, draw_graph
from ..cli.expression import ExpressionError, parse, parse_values
from ..graph.fit import fitted_html
from ..graph.ids import node_order
from ..graph.names import node_names
from . import quiz
from .display import require_widgets

RIGHT, WRONG = "#d9f2d9", "#f8d7d7"  # the answer box turns green or red
_WIDGETS = itertools.count(1)


class Backprop:
    """Backprop on an expression, one step at a time.

    ``viz.Backprop("sin(w1*x + log(x)) + cos(x)", x=2, w1=0.5)`` builds the expression's graph.
    Or ``viz.Backprop(value)`` for a graph already built. ``quiz=True`` asks for each
    backward step's gradients before showing them. The expression is read by the
    command line's safe parser: numbers, names, + - * / ** and the engine's functions.
    """

    def __init__(self, expression, quiz: bool = False, **values):
        W = require_widgets()
        self.quiz = quiz
        self.expression = W.Text(description="y =", layout=W.Layout(width="480px"), continuous_update=False)
        self.inputs = W.Text(description="at", placeholder="x=2, w1=0.5", continuous_update=False)
        self.build_button = W.Button(description="Build")
        self.prev_button = W.Button(description="Prev", icon="step-backward")
        self.next_button = W.Button(description="Next", icon="step-forward")
        self.play_button = W.Play(interval=1500, min=-1, max=0, step=1, description="Play")
        self.title = W.HTML()
        # The graph takes the room the ledger and the quiz leave, scaled down to it (viz.graph.fit).
        self.graph = W.HTML(layout=W.Layout(flex="1 1 auto", min_width="0"))
        self.ledger = W.HTML()
        self.answers: list = []
        self._scope = f"backprop-{next(_WIDGETS)}"  # the page-wide CSS of one widget stays in its graph
        self.answer_box = W.VBox()
        self.check_button = W.Button(description="Check", button_style="info")
        self.feedback = W.HTML()
        self.build_button.on_click(lambda button: self.build())
        self.prev_button.on_click(lambda button: self.prev())
        self.next_button.on_click(lambda button: self.next())
        self.check_button.on_click(lambda button: self.check())
        self.play_button.observe(self._played, names="value")
        self.widget = W.VBox(
            [
                W.HBox([self.expression, self.inputs, self.build_button]),
                W.HBox([self.prev_button, self.next_button, self.play_button, self.title]),
                W.HBox(
                    [
                        self.graph,
                        W.VBox(
                            [self.ledger, self.answer_box, self.check_button, self.feedback],
                            layout=W.Layout(flex="0 0 440px", width="440px"),
                        ),
                    ]
                ),
            ]
        )
        if isinstance(expression, autograd.Value):
            self.expression.disabled = self.inputs.disabled = self.build_button.disabled = True
            self.expression.value = "(a graph given as a Value)"
            self._start(expression)
        else:
            self.expression.value = expression
            self.inputs.value = ", ".join(f"{k}={v}" for k, v in values.items())
            self.build(strict=True)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    # ----- building -----

    def build(self, strict: bool = False) -> None:
        """Parse the expression box at the input boxes' values and start at the first step.

        A bad expression or value is shown under the boxes (or raised, when ``strict``).
        """
        try:
            values = parse_values([self.inputs.value]) if self.inputs.value.strip() else {}
            root, _ = parse(self.expression.value).evaluate(values)
        except (ExpressionError, autograd.DomainError) as error:
            if strict:
                raise
            self.feedback.value = f"<span style='color:#b00'>{html.escape(str(error))}</span>"
            return
        self._start(root)

    def _start(self, root):
        self.root = root
        self._drawn: dict[tuple[int, bool], str] = {}  # (position, asking) -> the picture
        # The graph's SVG ids (viz.graph.ids): value node i is "v{i}", the op that made it "op{i}".
        self._ids = {v: i for i, v in enumerate(node_order(root))}
        self.steps = backprop_steps(root, forward=True)
        self.position = -1  # before the first step
        self.revealed = -1  # the last step shown (quiz mode holds backward steps back)
        self.marks = []  # every answer checked
        self.first_tries = {}  # (step, input) -> the mark of its first answer: what the summary counts
        self.play_button.max = len(self.steps) - 1
        self.feedback.value = ""
        self._show()

    # ----- moving -----

    @property
    def step(self):
        """The step shown now (None before the first)."""
        return self.steps[self.position] if self.position >= 0 else None

    @property
    def waiting(self) -> bool:
        """In quiz mode: the next step is a backward step whose answers are not in yet."""
        upcoming = self.position + 1
        return (
            self.quiz
            and upcoming < len(self.steps)
            and upcoming > self.revealed
            and self.steps[upcoming].kind == "backward"
        )

    def next(self) -> None:
        """One step on (in quiz mode, only once the step's gradients are answered)."""
        if self.position + 1 >= len(self.steps) or self.waiting:
            return
        self.position += 1
        self.revealed = max(self.revealed, self.position)
        self._show()

    def prev(self) -> None:
        """One step back."""
        if self.position >= 0:
            self.position -= 1
            self._show()

    def _played(self, change):
        target = change["new"]
        while self.position < target and not self.waiting and self.position + 1 < len(self.steps):
            self.next()
        while self.position > target:
            self.prev()
        if self.play_button.value != self.position:
            self.play_button.value = self.position  # Play stops where the quiz asks

    # ----- quiz -----

    def questions(self) -> list[tuple[str, float, str]]:
        """The next backward step's questions, one per input: (whose gradient, its new value, the rule)."""
        step = self.steps[self.position + 1]
        names = _names(self.root)
        return [
            (
                f"grad({names[inp.node]})",
                inp.grad_after,
                f"grad({names[inp.node]}) += grad(out) × {inp.equation}"
                + (f"; it already holds {inp.grad_before:.6g}" if inp.grad_before else ""),
            )
            for inp in step.inputs
        ]

    def check(self, answers=None) -> list[quiz.Mark]:
        """Mark the typed answers (or ``answers``) for the upcoming step; all right: the step is shown."""
        if not self.waiting:
            return []
        questions = self.questions()
        texts = [box.value for box in self.answers] if answers is None else list(answers)
        texts += [""] * (len(questions) - len(texts))  # a question left blank is wrong, not skipped
        marks = [quiz.mark(t, expected, rule) for t, (_, expected, rule) in zip(texts, questions)]
        for box, m in zip(self.answers, marks):
            box.layout.border = f"2px solid {'#2a2' if m.right else '#c22'}"
            box.style.background = RIGHT if m.right else WRONG
        self.marks.extend(marks)
        for k, m in enumerate(marks):
            self.first_tries.setdefault((self.position + 1, k), m)
        self.feedback.value = "<br>".join(
            f"<span style='color:{'#070' if m.right else '#b00'}'>{html.escape(m.feedback)}</span>"
            for m in marks
        )
        if all(m.right for m in marks):
            self.revealed = self.position + 1
            self.next()
        return marks

    # ----- drawing -----

    def _marks_for(self, step) -> dict[str, list[int]]:
        """Which node numbers to mark: the step's node, its operands or inputs, and nodes not computed yet."""
        if step is None:
            return {"pending": [i for v, i in self._ids.items() if v.parents], "current": [], "near": []}
        near = [self._ids[p] for p in step.node.parents] if step.kind != "seed" else []
        pending = []
        if step.kind == "forward":
            done = {s.node for s in self.steps[: self.position + 1]}
            pending = [i for v, i in self._ids.items() if v.parents and v not in done]
        return {"pending": pending, "current": [self._ids[step.node]], "near": near}

    def _show(self):
        W = require_widgets()
        step = self.step
        n = len(self.steps)
        self.title.value = f"<b>Step {self.position + 1} of {n}</b>" + (
            f" · {step.kind}" if step is not None else " · press Next"
        )
        if self.play_button.value != self.position:
            self.play_button.value = self.position
        self.ledger.value = _ledger_html(step, _names(self.root))
        grads = dict(step.grads) if step is not None and step.kind != "forward" else {}
        # A quiz question marks the node it asks about (as the static quiz does), over the
        # gradients shown so far: the answers stay hidden until they are in.
        marked = self.steps[self.position + 1] if self.waiting else step
        key = (self.position, self.waiting)
        if key not in self._drawn:  # Graphviz takes ~0.1 s a picture: each view is drawn once
            picture = _graph_svg(self.root, grads)
            self._drawn[key] = _highlighted(picture, self._marks_for(marked), self._scope)
        self.graph.value = self._drawn[key]
        if self.waiting:
            questions = self.questions()
            # A box sends its text when it is left (clicking Check leaves it) or on Enter, not per
            # keystroke: ipywidgets holds a box's later keystrokes while the kernel is busy but
            # sends Check's click at once, so the click could overtake them ("0" of "0.5" marked).
            self.answers = [
                W.Text(placeholder="the gradient", layout=W.Layout(width="150px"), continuous_update=False)
                for _ in questions
            ]
            labels = [W.HTML(f"<code>{html.escape(q)} =</code>") for q, _, _ in questions]
            self.answer_box.children = [W.HTML("<b>Your turn:</b> type the gradients after this step")] + [
                W.HBox([label, box], layout=W.Layout(align_items="center", flex_flow="row wrap"))
                for label, box in zip(labels, self.answers)
            ]
            self.check_button.layout.display = None
        else:
            self.answers = []
            self.answer_box.children = []
            self.check_button.layout.display = "none"
            if self.quiz and self.position == n - 1:
                self.feedback.value = f"<b>Quiz done: {self.summary()}</b>" if self.marks else ""

    def summary(self) -> str:
        """How the quiz went: questions right at the first try, and answers checked in all."""
        return (
            f"{quiz.summary(self.first_tries.values())} at the first try ({len(self.marks)} answers checked)"
        )


def _names(root):
    return node_names(root)


def _graph_svg(root, grads) -> str:
    try:
        svg = draw_graph(root, grads=grads, legend=False).pipe(format="svg").decode("utf-8")
    except graphviz.ExecutableNotFound:
        return "<pre>Graphviz's dot draws the graph: install it (Debian: apt-get install graphviz)</pre>"
    return svg[svg.find("<svg") :]


def _highlighted(svg: str, marks: dict, scope: str) -> str:
    """The graph's SVG fitted to its box (of its own id), with a style that marks the step's nodes.

    The current node and its op get a thick red outline, the nodes it reads or feeds a
    blue one, and nodes the forward pass has not reached yet are faded.
    """
    rules = []
    for i in marks["current"]:
        rules.append(
            f"#{scope} #v{i} > :is(polygon, path), #{scope} #op{i} > ellipse "
            "{stroke: #d62728; stroke-width: 3px}"
        )
    for i in marks["near"]:
        rules.append(f"#{scope} #v{i} > :is(polygon, path) {{stroke: #1f77b4; stroke-width: 2.5px}}")
    for i in marks["pending"]:
        rules.append(f"#{scope} #v{i}, #{scope} #op{i} {{opacity: 0.3}}")
    return fitted_html(svg, scope, " ".join(rules))


def _ledger_html(step, names) -> str:
    if step is None:
        return "<p>The graph before the forward pass. Next: compute each node from its operands.</p>"
    if step.kind == "forward":
        where = html.escape(names[step.node])
        return f"<p><b>Forward</b> at {where}:<br><code>{html.escape(step.text)}</code></p>"
    if step.kind == "seed":
        return "<p><b>Backward starts</b> at the output: d y/d y = 1; every other gradient starts at 0.</p>"
    lines = [
        f"<b>Backward</b> at {html.escape(names[step.node])}: grad(input) += grad(out) × d out/d input",
        f"upstream grad(out) = {step.upstream:.6g}",
    ]
    for inp in step.inputs:
        meet = " (paths meet: +=)" if inp.grad_before else ""
        lines.append(
            f"{html.escape(names[inp.node])}: {html.escape(inp.equation)}; "
            f"{step.upstream:.6g} × {inp.local if inp.local is not None else 0:.6g} = {inp.product:.6g}; "
            f"grad {inp.grad_before:.6g} + {inp.product:.6g} = {inp.grad_after:.6g}{meet}"
        )
    return "<p>" + "<br>".join(lines) + "</p>"
