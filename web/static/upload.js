// Upload page: drag and drop, several files, per-file metadata, focal point, per-file progress (XHR).
// Each file is its own POST /api/v1/assets with the metadata part sent before the file part.
"use strict";

(function () {
  const KIND_BY_TYPE = [
    [/^image\//, "infographic"], [/^video\//, "video"], [/^audio\//, "podcast"], [/^application\/pdf$/, "document"],
    [/(spreadsheet|wordprocessing|csv|json|markdown)/, "qa_set"], [/^text\//, "qa_set"],
  ];
  const rows = [];
  let form, list, template, i18n, status;

  function guessKind(file) {
    for (const [pattern, kind] of KIND_BY_TYPE) if (pattern.test(file.type)) return kind;
    return "document";
  }

  function titleFrom(name) {
    return name.replace(/\.[^.]+$/, "").replace(/[_-]+/g, " ").trim().normalize("NFC");
  }

  function setupFocal(row, file) {
    const box = row.element.querySelector(".focal");
    const picker = box.querySelector(".focal-picker");
    const img = box.querySelector(".focal-img");
    const dot = box.querySelector(".focal-dot");
    const value = box.querySelector(".focal-value");
    box.hidden = false;
    img.src = URL.createObjectURL(file);
    function show() {
      dot.style.left = (row.focal[0] * 100) + "%";
      dot.style.top = (row.focal[1] * 100) + "%";
      value.textContent = i18n.dataset.focal + ": " + Math.round(row.focal[0] * 100) + "% × " +
        Math.round(row.focal[1] * 100) + "%";
    }
    picker.addEventListener("click", (event) => {
      const rect = img.getBoundingClientRect();
      if (!rect.width || event.detail === 0) return;  // keyboard "click" keeps the current point
      row.focal = [Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width)),
                   Math.min(1, Math.max(0, (event.clientY - rect.top) / rect.height))];
      show();
    });
    picker.addEventListener("keydown", (event) => {
      const step = { ArrowLeft: [-0.05, 0], ArrowRight: [0.05, 0], ArrowUp: [0, -0.05], ArrowDown: [0, 0.05] }[event.key];
      if (!step) return;
      event.preventDefault();
      row.focal = [Math.min(1, Math.max(0, row.focal[0] + step[0])), Math.min(1, Math.max(0, row.focal[1] + step[1]))];
      show();
    });
    show();
  }

  function addFile(file) {
    const fragment = template.content.cloneNode(true);
    const element = fragment.querySelector("li");
    const index = rows.length;
    element.querySelector(".file-name").textContent = file.name + " (" + Math.round(file.size / 1024) + " KB)";
    element.querySelectorAll("[data-field]").forEach((control) => {
      control.id = "f" + index + "-" + control.dataset.field;
      control.name = control.dataset.field;
    });
    element.querySelectorAll("label[data-for]").forEach((label) => {
      label.htmlFor = "f" + index + "-" + label.dataset.for;
    });
    const row = { file, element, focal: [0.5, 0.5], done: false };
    element.querySelector('[data-field="title"]').value = titleFrom(file.name);
    element.querySelector('[data-field="kind"]').value = guessKind(file);
    rows.push(row);
    list.appendChild(fragment);
    if (file.type.startsWith("image/")) setupFocal(row, file);
  }

  function sharedMetadata() {
    const data = new FormData(form);
    const meta = {};
    for (const field of ["summary", "credit", "copyright_notice", "licence", "usage_terms"]) {
      const value = (data.get(field) || "").toString().trim().normalize("NFC");
      if (value) meta[field] = value;
    }
    for (const field of ["topics", "audiences", "levels", "channels"]) {
      const values = data.getAll(field).map(String);
      if (values.length) meta[field] = values;
    }
    const tags = (data.get("tags") || "").toString().split(",").map((t) => t.trim().normalize("NFC")).filter(Boolean);
    if (tags.length) meta.tags = tags;
    if (data.get("urgent")) meta.urgent = true;
    return meta;
  }

  function rowMetadata(row, shared) {
    const get = (field) => row.element.querySelector('[data-field="' + field + '"]').value.trim().normalize("NFC");
    const meta = Object.assign({}, shared, { title: get("title"), kind: get("kind") });
    const alt = get("alt_text");
    if (alt) meta.alt_text = alt;
    if (row.file.type.startsWith("image/")) { meta.focal_x = row.focal[0]; meta.focal_y = row.focal[1]; }
    return meta;
  }

  function send(row, meta) {
    return new Promise((resolve) => {
      const bar = row.element.querySelector("progress");
      const note = row.element.querySelector(".row-status");
      const body = new FormData();
      body.append("metadata", JSON.stringify(meta));  // before the file: the per-kind size limit applies early
      body.append("file", row.file, row.file.name);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.dataset.endpoint);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRF-Token", form.dataset.csrf);
      xhr.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) bar.value = Math.round((event.loaded / event.total) * 100);
      });
      xhr.addEventListener("load", () => {
        let answer = {};
        try { answer = JSON.parse(xhr.responseText); } catch (error) { answer = {}; }
        if (xhr.status === 201) {
          row.done = true;
          bar.value = 100;
          note.textContent = i18n.dataset.done + ". ";
          const link = document.createElement("a");
          link.href = "/tai-nguyen/" + encodeURIComponent(answer.id);
          link.textContent = i18n.dataset.view;
          note.appendChild(link);
        } else {
          note.textContent = i18n.dataset.failed + ": " + (answer.detail || xhr.status);
          note.classList.add("error");
        }
        resolve();
      });
      xhr.addEventListener("error", () => { note.textContent = i18n.dataset.failed; note.classList.add("error"); resolve(); });
      note.textContent = i18n.dataset.uploading + "…";
      xhr.send(body);
    });
  }

  async function start(event) {
    event.preventDefault();
    const pending = rows.filter((row) => !row.done);
    if (!pending.length) { status.textContent = i18n.dataset.none; return; }
    const shared = sharedMetadata();
    for (const row of pending) {
      const meta = rowMetadata(row, shared);
      if (meta.kind === "infographic" && !meta.alt_text) {
        const note = row.element.querySelector(".row-status");
        note.textContent = i18n.dataset.altRequired;
        note.classList.add("error");
        row.element.querySelector('[data-field="alt_text"]').focus();
        return;
      }
    }
    // Two at a time: enough to fill a weak uplink without starving the page.
    const queue = pending.slice();
    const worker = async () => { while (queue.length) { const row = queue.shift(); await send(row, rowMetadata(row, shared)); } };
    await Promise.all([worker(), worker()]);
    status.textContent = rows.filter((r) => r.done).length + "/" + rows.length + " " + i18n.dataset.done;
  }

  document.addEventListener("DOMContentLoaded", () => {
    form = document.getElementById("upload-form");
    if (!form) return;
    list = document.getElementById("file-list");
    template = document.getElementById("file-row");
    i18n = document.getElementById("i18n");
    status = document.getElementById("upload-status");
    const input = document.getElementById("files");
    const zone = document.getElementById("dropzone");
    input.addEventListener("change", () => { Array.from(input.files).forEach(addFile); input.value = ""; });
    zone.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); input.click(); }
    });
    ["dragenter", "dragover"].forEach((name) => zone.addEventListener(name, (event) => {
      event.preventDefault(); zone.classList.add("over");
    }));
    ["dragleave", "drop"].forEach((name) => zone.addEventListener(name, (event) => {
      event.preventDefault(); zone.classList.remove("over");
    }));
    zone.addEventListener("drop", (event) => Array.from(event.dataTransfer.files).forEach(addFile));
    form.addEventListener("submit", start);
  });
})();
