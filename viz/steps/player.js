// The step player: Prev / Next / Play and the keys step through the frames in #steps-data.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("steps-data").textContent);
  const steps = data.steps;
  const ledger = document.getElementById("ledger");
  const counter = document.getElementById("counter");
  const prev = document.getElementById("prev"), next = document.getElementById("next");
  const play = document.getElementById("play");
  const marks = { current: "current", edges: "active", neighbours: "neighbour", pending: "pending" };
  // Every step lists only the gradients it changes; replay them once to know each step's state.
  const states = [];
  steps.forEach(function (s, k) { states.push(Object.assign({}, k ? states[k - 1] : {}, s.grads)); });
  let index = 0, timer = null;
  const box = document.querySelector("#graph svg").viewBox.baseVal;
  if (box && box.width > 2 * box.height) document.body.classList.add("wide");

  function show(n) {
    index = Math.max(0, Math.min(steps.length - 1, n));
    const s = steps[index];
    for (const cls of Object.values(marks)) {
      document.querySelectorAll("#graph ." + cls).forEach(function (el) { el.classList.remove(cls); });
    }
    for (const [key, cls] of Object.entries(marks)) {
      s[key].forEach(function (id) {
        const el = document.getElementById(id);
        if (el) el.classList.add(cls);
      });
    }
    for (const [id, text] of Object.entries(states[index])) {
      const t = document.querySelector("#" + id + " .grad-value");
      if (t) t.textContent = text;
    }
    ledger.innerHTML = s.ledger;
    counter.textContent = "Step " + (index + 1) + " / " + steps.length;
    document.body.dataset.step = String(index);
    prev.disabled = index === 0;
    next.disabled = index === steps.length - 1;
    if (index === steps.length - 1) stop();
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; } play.textContent = "\u25B6 Play"; }
  function toggle() {
    if (timer) { stop(); return; }
    if (index === steps.length - 1) show(0);
    play.textContent = "\u23F8 Pause";
    timer = setInterval(function () { show(index + 1); }, data.interval);
  }
  prev.addEventListener("click", function () { stop(); show(index - 1); });
  next.addEventListener("click", function () { stop(); show(index + 1); });
  play.addEventListener("click", toggle);
  document.addEventListener("keydown", function (e) {
    if (e.key === "ArrowRight" || e.key === "PageDown") { stop(); show(index + 1); }
    else if (e.key === "ArrowLeft" || e.key === "PageUp") { stop(); show(index - 1); }
    else if (e.key === " ") { toggle(); }
    else if (e.key === "Home") { stop(); show(0); }
    else if (e.key === "End") { stop(); show(steps.length - 1); }
    else return;
    e.preventDefault();
  });
  show(0);
})();
