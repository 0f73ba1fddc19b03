"""A first training run: a small network learns TensorFlow Playground's spiral."""

import matplotlib.pyplot as plt

import nn
import viz

X, labels = nn.data.spiral(n=400, noise=0.1, seed=0)
model = nn.MLP(2, [8, 8, 1], activation="tanh", seed=0)
history = nn.fit(model, X, labels, loss="bce", optimizer="adam", lr=0.01, epochs=300)
print(f"training accuracy after {len(history)} epochs: {history.accuracy[-1]:.2f}")

viz.plot_decision_boundary(model, X, labels)  # the Playground's picture
plt.savefig("boundary.png", dpi=100)
viz.plot_history(history)  # loss and accuracy, epoch by epoch
plt.savefig("history.png", dpi=100)
