/*
 * The pages the site's search lists for each query, in order, typed one after
 * another into the open search box: the query is set and a key release sent, as
 * a keyboard does (Material reads the box on keyup). Before each query the box
 * is emptied and the list waited for to go, so what is read belongs to it; the
 * count comes first and the list items follow (Material renders them as they
 * come into view), so the first is waited for unless nothing was found.
 */
async ({ queries, placeholders }) => {
  const box = document.querySelector("input.md-search__input");
  const meta = () => document.querySelector(".md-search-result__meta").textContent.trim();
  const firstItem = () => document.querySelector(".md-search-result__list li");
  const until = (ready, what) =>
    new Promise((resolve, reject) => {
      const start = performance.now();
      const poll = () => {
        if (ready()) resolve();
        else if (performance.now() - start > 15000) reject(new Error(`timed out: ${what}`));
        else setTimeout(poll, 5);
      };
      poll();
    });
  const type = (text) => {
    box.value = text;
    box.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true, key: "End" }));
  };
  const found = {};
  for (const query of queries) {
    type("");
    await until(() => !firstItem() && placeholders.includes(meta()), `emptying before ${query}`);
    type(query);
    await until(() => !placeholders.includes(meta()), `the count for ${query}`);
    await until(() => meta().includes("没有") || firstItem() !== null, `the list for ${query}`);
    found[query] = [...document.querySelectorAll(".md-search-result__item")].map(
      (item) => item.querySelector("a.md-search-result__link").href,
    );
  }
  return found;
};
