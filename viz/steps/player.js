// The step player: Prev / Next / Play and the keys step through the frames in #steps-data.
// With a quiz, a backward step stays hidden until the student has typed its gradients.
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

  // ----- the quiz's marking: the same rule as viz.steps.quiz (a browser test pins the two) -----
  const rule = data.quiz;
  const numberPattern = rule ? new RegExp(rule.number) : null;
  function readAnswer(text) {
    if (typeof text !== "string" || text.length > rule.maxLength) return null;
    text = text.trim().replace(/\u2212/g, "-");
    if (!numberPattern.test(text)) return null;
    const value = Number(text);
    return Number.isFinite(value) ? value : null;
  }
  function isRight(value, expected) {
    if (expected === 0) return Math.abs(value) <= rule.zeroTol;
    return Math.abs(value - expected) <= rule.relTol * Math.abs(expected);
  }
  if (rule) window.backpropQuiz = { readAnswer: readAnswer, isRight: isRight };

  // ----- stepping -----
  function markStep(s) {
    for (const cls of Object.values(marks)) {
      document.querySelectorAll("#graph ." + cls).forEach(function (el) { el.classList.remove(cls); });
    }
    for (const [key, cls] of Object.entries(marks)) {
      s[key].forEach(function (id) {
        const el = document.getElementById(id);
        if (el) el.classList.add(cls);
      });
    }
  }
  function showGrads(state) {
    for (const [id, text] of Object.entries(state)) {
      const t = document.querySelector("#" + id + " .grad-value");
      if (t) t.textContent = text;
    }
  }
  function show(n) {
    index = Math.max(0, Math.min(steps.length - 1, n));
    const s = steps[index];
    closeQuiz();
    markStep(s);
    showGrads(states[index]);
    ledger.innerHTML = s.ledger;
    counter.textContent = "Step " + (index + 1) + " / " + steps.length;
    document.body.dataset.step = String(index);
    prev.disabled = index === 0;
    next.disabled = index === steps.length - 1;
    if (index === steps.length - 1) { stop(); showSummary(); }
    fitFrame();
  }
  // Go to step n, but stop before the first backward step whose answers are not in yet.
  function go(n) {
    n = Math.max(0, Math.min(steps.length - 1, n));
    for (let k = index + 1; k <= n; k++) {
      if (waiting(k)) { if (index !== k - 1) show(k - 1); ask(k); return; }
    }
    show(n);
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; } play.textContent = "\u25B6 Play"; }
  function toggle() {
    if (timer) { stop(); return; }
    if (index === steps.length - 1) show(0);
    play.textContent = "\u23F8 Pause";
    timer = setInterval(function () { go(index + 1); }, data.interval);
  }

  // ----- the quiz -----
  const form = document.getElementById("quiz");
  const answered = {};  // step -> true once all its answers were right (or shown)
  const firstTries = {};  // "step/question" -> right at the first try?
  let checked = 0, asking = null;
  function waiting(k) { return Boolean(rule && steps[k].questions && !answered[k]); }
  function ask(k) {
    stop();
    if (asking === k) { form.querySelector("input").focus(); return; }
    asking = k;
    const s = steps[k];
    markStep(s);
    s.neighbours.forEach(function (id) {
      const t = document.querySelector("#" + id + " .grad-value");
      if (t) t.textContent = "?";
    });
    ledger.innerHTML = s.prompt;
    counter.textContent = "Step " + (k + 1) + " / " + steps.length + " \u00B7 your turn";
    document.body.dataset.asking = String(k);
    const list = document.getElementById("questions");
    list.textContent = "";
    s.questions.forEach(function (q, j) {
      const row = document.createElement("div");
      row.className = "question";
      const label = document.createElement("label");
      label.textContent = q.ask + " =";
      const box = document.createElement("input");
      box.type = "text";
      box.inputMode = "decimal";
      box.id = "answer-" + j;
      box.placeholder = "the gradient after this step";
      label.htmlFor = box.id;
      const feedback = document.createElement("div");
      feedback.className = "feedback";
      row.append(label, box, feedback);
      list.append(row);
    });
    form.hidden = false;
    next.disabled = true;
    form.querySelector("input").focus();
    fitFrame();
  }
  function closeQuiz() {
    if (!form) return;
    form.hidden = true;
    asking = null;
    delete document.body.dataset.asking;
  }
  function check() {
    const k = asking, s = steps[k];
    let all = true;
    s.questions.forEach(function (q, j) {
      const row = document.getElementById("questions").children[j];
      const box = row.querySelector("input"), feedback = row.querySelector(".feedback");
      const value = readAnswer(box.value);
      const right = value !== null && isRight(value, q.expected);
      const key = k + "/" + j;
      if (!(key in firstTries)) firstTries[key] = right;
      checked += 1;
      all = all && right;
      row.classList.toggle("right", right);
      row.classList.toggle("wrong", !right);
      if (right) feedback.textContent = "Right: " + q.ask + " = " + String(q.expected);
      else if (value === null) feedback.textContent = "That is not a number: type one, e.g. -0.25 or 1e-3. Apply: " + q.rule;
      else feedback.textContent = "Not " + box.value.trim() + ". Apply: " + q.rule;
    });
    if (all) { answered[k] = true; setTimeout(function () { if (asking === k) show(k); }, 700); }
  }
  function reveal() {
    const k = asking;
    steps[k].questions.forEach(function (q, j) { const key = k + "/" + j; if (!(key in firstTries)) firstTries[key] = false; });
    answered[k] = true;
    show(k);
  }
  function showSummary() {
    const box = document.getElementById("summary");
    if (!box) return;
    const tries = Object.values(firstTries);
    const right = tries.filter(Boolean).length;
    box.textContent = "Quiz done: " + right + " of " + tries.length + " right at the first try (" +
      checked + " answers checked)";
  }
  if (form) {
    form.addEventListener("submit", function (e) { e.preventDefault(); check(); });
    document.getElementById("reveal").addEventListener("click", reveal);
  }

  // ----- fitting the graph: its natural size, scaled down to the column (or zoomed) -----
  const graph = document.getElementById("graph");
  const svg = graph.querySelector("svg");
  const pt = function (attribute) { return parseFloat(svg.getAttribute(attribute)) * 4 / 3; };
  const natural = { width: pt("width"), height: pt("height") };
  const inFrame = (function () { try { return window.frameElement; } catch (e) { return null; } })();
  let zoom = null;  // null: fit; else a factor of the natural size
  if (natural.width > 2 * natural.height) document.body.classList.add("wide");
  function fitted() {
    const room = graph.clientWidth - 2;
    // A standalone page also keeps the graph within the window's height; in a notebook the frame grows.
    const tall = inFrame ? Infinity : (window.innerHeight - 150) / natural.height * natural.width;
    return Math.min(natural.width, room, Math.max(tall, room / 2));
  }
  function size() {
    const width = zoom === null ? fitted() : natural.width * zoom;
    svg.style.width = width + "px";
    svg.style.height = width / natural.width * natural.height + "px";
    document.body.dataset.zoom = zoom === null ? "fit" : String(zoom);
    document.body.dataset.scale = (width / natural.width).toFixed(3);
  }
  function zoomBy(factor) {
    const now = zoom === null ? fitted() / natural.width : zoom;
    zoom = Math.max(0.2, Math.min(4, now * factor));
    size();
    fitFrame();
  }
  document.getElementById("zoom-in").addEventListener("click", function () { zoomBy(1.25); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoomBy(0.8); });
  document.getElementById("zoom-fit").addEventListener("click", function () { zoom = null; size(); fitFrame(); });
  graph.addEventListener("wheel", function (e) {
    if (!e.ctrlKey) return;
    e.preventDefault();
    zoomBy(e.deltaY < 0 ? 1.1 : 1 / 1.1);
  }, { passive: false });
  // In a notebook the page sits in an iframe: its height follows the content (never a scroll bar).
  let frameHeight = 0;
  function fitFrame() {
    if (!inFrame) return;
    const height = Math.ceil(document.body.scrollHeight) + 2;  // the content's, not the frame's
    if (height > frameHeight || height < frameHeight - 80) {
      frameHeight = height;
      inFrame.style.height = height + "px";
    }
  }
  window.addEventListener("resize", function () { size(); fitFrame(); });

  prev.addEventListener("click", function () { stop(); show(index - 1); });
  next.addEventListener("click", function () { stop(); go(index + 1); });
  play.addEventListener("click", toggle);
  document.addEventListener("keydown", function (e) {
    if (e.target instanceof HTMLInputElement) return;  // typing an answer, not stepping
    if (e.key === "ArrowRight" || e.key === "PageDown") { stop(); go(index + 1); }
    else if (e.key === "ArrowLeft" || e.key === "PageUp") { stop(); show(index - 1); }
    else if (e.key === " ") { toggle(); }
    else if (e.key === "Home") { stop(); show(0); }
    else if (e.key === "End") { stop(); go(steps.length - 1); }
    else return;
    e.preventDefault();
  });
  size();
  show(0);
})();
