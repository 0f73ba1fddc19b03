// The numbers of a graph laid out in the browser get the classes viz.steps.player gives them
// in dot's SVG, so the player can rewrite them: the text after "data" is a .data-value, the
// text after "grad" a .grad-value, in every value box (ids v0, v1, ...).
document.querySelectorAll("#graph g.node").forEach(function (box) {
  if (!/^v\d+$/.test(box.id)) return;
  const texts = box.querySelectorAll("text");
  for (let k = 0; k + 1 < texts.length; k++) {
    const word = texts[k].textContent;
    if (word === "data" || word === "grad") texts[k + 1].classList.add(word + "-value");
  }
});
