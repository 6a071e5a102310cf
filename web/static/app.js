// Progressive enhancement for every page: suggestions, facet auto-submit, copy buttons, job progress.
// Pages work without it; no inline scripts anywhere (strict CSP).
"use strict";

(function () {
  document.documentElement.classList.add("js");

  function debounce(fn, ms) {
    let timer = null;
    return function (...args) {
      clearTimeout(timer);
      timer = setTimeout(() => fn.apply(this, args), ms);
    };
  }

  // As-you-type suggestions on the search box (listbox pattern, arrow keys + Enter + Escape).
  function setupSuggestions() {
    const input = document.getElementById("q");
    const list = document.getElementById("suggestions");
    if (!input || !list) return;
    let active = -1;
    function close() {
      list.hidden = true;
      list.replaceChildren();
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function choose(text) {
      input.value = text;
      close();
      input.form.submit();
    }
    const fetchSuggestions = debounce(async () => {
      const value = input.value.trim();
      if (value.length < 2) { close(); return; }
      try {
        const response = await fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(value),
          { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (!response.ok) { close(); return; }
        const data = await response.json();
        list.replaceChildren();
        (data.suggestions || []).forEach((text, index) => {
          const item = document.createElement("li");
          item.id = "suggestion-" + index;
          item.setAttribute("role", "option");
          item.textContent = text;  // never innerHTML: titles are user data
          item.addEventListener("mousedown", (event) => { event.preventDefault(); choose(text); });
          list.appendChild(item);
        });
        const any = list.children.length > 0;
        list.hidden = !any;
        input.setAttribute("aria-expanded", any ? "true" : "false");
      } catch (error) {
        close();
      }
    }, 200);
    input.addEventListener("input", fetchSuggestions);
    input.addEventListener("keydown", (event) => {
      const items = list.querySelectorAll("li");
      if (list.hidden || !items.length) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
        items.forEach((item, i) => item.setAttribute("aria-selected", i === active ? "true" : "false"));
        input.setAttribute("aria-activedescendant", items[active].id);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(items[active].textContent);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
  }

  function setupAutosubmit() {
    document.querySelectorAll("input.autosubmit").forEach((box) => {
      box.addEventListener("change", () => box.form.submit());
    });
  }

  function setupCopy() {
    document.querySelectorAll("button[data-copy]").forEach((button) => {
      button.addEventListener("click", async () => {
        const source = document.getElementById(button.dataset.copy);
        const status = button.parentElement.querySelector(".copied");
        source.select();
        try {
          await navigator.clipboard.writeText(source.value);
        } catch (error) {
          document.execCommand("copy");
        }
        if (status) status.textContent = document.documentElement.lang === "en" ? "Copied." : "Đã sao chép.";
      });
    });
  }

  // The number of ready renditions of an asset, from the renditions API (after its job finished).
  async function refreshCount(assetId) {
    const cell = document.querySelector('[data-rendition-count="' + CSS.escape(assetId) + '"]');
    if (!cell) return;
    const response = await fetch("/api/v1/assets/" + encodeURIComponent(assetId) + "/renditions",
      { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const data = await response.json();
    cell.textContent = String((data.profiles || []).reduce((n, p) => n + (p.renditions || []).length, 0));
  }

  // Live job progress: poll GET /api/v1/jobs/{id} until every job on the page is finished.
  function setupJobs() {
    const labels = document.getElementById("job-i18n");
    const pending = () => Array.from(document.querySelectorAll("[data-job]"))
      .filter((el) => el.dataset.status === "queued" || el.dataset.status === "running");
    if (!pending().length) return;
    async function poll() {
      const jobs = pending();
      if (!jobs.length) return;
      await Promise.all(jobs.map(async (el) => {
        try {
          const response = await fetch("/api/v1/jobs/" + encodeURIComponent(el.dataset.job),
            { credentials: "same-origin", headers: { Accept: "application/json" } });
          if (!response.ok) return;
          const job = await response.json();
          el.dataset.status = job.status;
          if (labels && labels.dataset[job.status]) el.textContent = labels.dataset[job.status];
          const bar = document.querySelector('[data-job-progress="' + CSS.escape(el.dataset.job) + '"]');
          if (bar) bar.value = job.status === "succeeded" ? 1 : job.progress;
          if (job.status === "succeeded" && labels) el.title = labels.dataset.reload;
          if (job.status === "succeeded" && el.dataset.asset) await refreshCount(el.dataset.asset);
        } catch (error) { /* weak network: try again on the next tick */ }
      }));
      if (pending().length) setTimeout(poll, 2000);
    }
    setTimeout(poll, 1000);
  }

  // Compact menu on phones: one disclosure button opens the navigation and tools (CSS hides them below
  // 48 rem only when this script runs, so without it the menu simply shows).
  function setupMenu() {
    const button = document.querySelector(".menu-toggle");
    const header = document.querySelector(".top");
    if (!button || !header) return;
    const set = (open) => { header.classList.toggle("open", open); button.setAttribute("aria-expanded", String(open)); };
    button.addEventListener("click", () => set(!header.classList.contains("open")));
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && header.classList.contains("open")) { set(false); button.focus(); }
    });
  }

  // Search filters on phones: a bottom sheet opened by "Bộ lọc" before the results.
  function setupFilterSheet() {
    const opener = document.querySelector(".filters-open");
    const sheet = document.getElementById(opener ? opener.getAttribute("aria-controls") : "");
    if (!opener || !sheet) return;
    const set = (open) => {
      sheet.classList.toggle("open", open);
      opener.setAttribute("aria-expanded", String(open));
      if (open) { const first = sheet.querySelector("input, button"); if (first) first.focus(); } else opener.focus();
    };
    opener.addEventListener("click", () => set(!sheet.classList.contains("open")));
    sheet.querySelectorAll("[data-close-sheet]").forEach((b) => b.addEventListener("click", () => set(false)));
    sheet.addEventListener("keydown", (event) => { if (event.key === "Escape") set(false); });
  }

  // Tables turn into cards below 40 rem and each cell shows its column's name from data-label. Templates
  // may write data-label themselves; any cell without one gets its column header's text here.
  function labelTableCells() {
    document.querySelectorAll("table.table").forEach((table) => {
      const heads = Array.from(table.querySelectorAll("thead th")).flatMap((th) =>
        Array(th.colSpan || 1).fill(th.textContent.trim()));
      if (!heads.length) return;
      table.querySelectorAll("tbody tr").forEach((tr) => {
        let column = 0;
        Array.from(tr.children).forEach((cell) => {
          if (!cell.hasAttribute("data-label") && heads[column] !== undefined) cell.setAttribute("data-label", heads[column]);
          column += cell.colSpan || 1;
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    labelTableCells();
    setupMenu();
    setupFilterSheet();
    setupSuggestions();
    setupAutosubmit();
    setupCopy();
    setupJobs();
  });
})();
