// Completions as you type: fills the search box's <datalist> from /api/suggest. Without this script the
// form works the same, with no suggestions.
"use strict";
(function () {
  const input = document.querySelector("input[data-suggest]");
  const list = input && document.getElementById(input.getAttribute("list"));
  if (!list) return;
  let latest = 0;
  let timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(async function () {
      const asked = ++latest;
      const typed = input.value;
      try {
        const answer = await fetch(input.dataset.suggest + "?q=" + encodeURIComponent(typed));
        const [, completions] = await answer.json();
        if (asked !== latest) return; // a later keystroke's answer wins
        list.replaceChildren(...completions.map(function (text) {
          const option = document.createElement("option");
          option.value = text;
          return option;
        }));
      } catch (error) {
        list.replaceChildren(); // suggestions are a help, never an obstacle
      }
    }, 60);
  });
})();
