"""A first graph: the lecture's y = sin(w1*x + log x) + cos x, backpropagated and drawn."""

import viz
from autograd import Value, cos, log, sin

x, w1 = Value(2.0, label="x"), Value(0.5, label="w1")
y = sin(w1 * x + log(x)) + cos(x)
y.backward()
print(f"y = {y.data:.4f}, dy/dx = {x.grad:.4f}, dy/dw1 = {w1.grad:.4f}")

viz.render(y, "graph.svg", local_grads=True)  # every value, gradient and local derivative
viz.save_steps_html(y, "steps.html")  # backprop played node by node: open it in a browser
