// Lays out every graph of the page in the browser, with Graphviz compiled to WebAssembly
// (@viz-js/viz, inline before this script): used where Graphviz's dot was not there to draw
// the SVG. Each <script type="application/json" class="bpl-dot"> holds one graph's DOT source
// and is replaced by the SVG that dot would have written (the same ids and classes).
// window.backpropLabGraphs is a promise kept once every graph is in place.
(function () {
  "use strict";
  // In a notebook every cell's output brings its own copy: each lays out its own graph only.
  const own = document.currentScript && document.currentScript.closest(".bpl-laid-out");
  const holders = Array.from((own || document).querySelectorAll("script.bpl-dot"));
  function failed(holder, error) {
    const box = document.createElement("pre");
    box.className = "bpl-dot-error";
    box.textContent = "The graph could not be laid out in the browser: " + error;
    holder.replaceWith(box);
  }
  window.backpropLabGraphs = Viz.instance().then(function (viz) {
    holders.forEach(function (holder) {
      try {
        holder.replaceWith(viz.renderSVGElement(JSON.parse(holder.textContent)));
      } catch (error) {
        failed(holder, error);
      }
    });
  }, function (error) {
    holders.forEach(function (holder) { failed(holder, error); });
  });
})();
