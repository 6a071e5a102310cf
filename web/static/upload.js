// Upload page: drag and drop, several files, per-file metadata, focal point, per-file progress (XHR).
// Each file is its own resumable tus upload to /api/v1/uploads, carrying the asset metadata in Upload-Metadata.
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
      row.chosen = true;  // otherwise processing finds the point from the headline (transcoding/focal.py)
      show();
    });
    picker.addEventListener("keydown", (event) => {
      const step = { ArrowLeft: [-0.05, 0], ArrowRight: [0.05, 0], ArrowUp: [0, -0.05], ArrowDown: [0, 0.05] }[event.key];
      if (!step) return;
      event.preventDefault();
      row.focal = [Math.min(1, Math.max(0, row.focal[0] + step[0])), Math.min(1, Math.max(0, row.focal[1] + step[1]))];
      row.chosen = true;
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
    for (const field of ["summary", "language", "variant_of", "credit", "copyright_notice", "licence", "usage_terms"]) {
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
    if (row.file.type.startsWith("image/") && row.chosen) { meta.focal_x = row.focal[0]; meta.focal_y = row.focal[1]; }
    return meta;
  }

  // --- tus 1.0 resumable upload (POST creates, PATCH appends from Upload-Offset, HEAD tells the offset) ---
  // A weak uplink loses a chunk, not the file: the row retries with backoff from the server's offset, and
  // the upload URL is kept in localStorage so choosing the same file again after a reload resumes it.
  const TUS = "1.0.0";
  const RETRY_DELAYS_MS = [1000, 3000, 5000, 10000, 20000];
  const RETRYABLE_CODES = new Set(["tus_offset_mismatch", "tus_finished", "tus_busy", "tus_checksum_mismatch"]);

  function base64Utf8(text) {
    const bytes = new TextEncoder().encode(text);
    let binary = "";
    for (let i = 0; i < bytes.length; i += 1) binary += String.fromCharCode(bytes[i]);
    return btoa(binary);
  }

  function storageKey(file) {
    return "kho-tus:" + [file.name, file.size, file.lastModified, file.type].join("|");
  }

  function remembered(file) {
    try { return window.localStorage.getItem(storageKey(file)); } catch (error) { return null; }
  }

  function remember(file, url) {
    try {
      if (url) window.localStorage.setItem(storageKey(file), url);
      else window.localStorage.removeItem(storageKey(file));
    } catch (error) { /* private mode: resuming within the page still works */ }
  }

  function request(method, url, headers, body, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.setRequestHeader("Tus-Resumable", TUS);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRF-Token", form.dataset.csrf);
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      if (onProgress) xhr.upload.addEventListener("progress", (event) => onProgress(event.loaded));
      xhr.addEventListener("load", () => {
        let problem = {};
        try { problem = JSON.parse(xhr.responseText || "{}"); } catch (error) { problem = {}; }
        resolve({ status: xhr.status, header: (name) => xhr.getResponseHeader(name), problem });
      });
      xhr.addEventListener("error", () => reject(new Error("network")));
      xhr.addEventListener("abort", () => reject(new Error("network")));
      xhr.send(body === undefined ? null : body);
    });
  }

  function retryable(answer) {
    if (!answer) return true;  // the network failed
    if (answer.status >= 500 || answer.status === 429) return true;
    return RETRYABLE_CODES.has(answer.problem.code);
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function create(row, meta) {
    const metadata = ["filename " + base64Utf8(row.file.name), "filetype " + base64Utf8(row.file.type || ""),
                      "metadata " + base64Utf8(JSON.stringify(meta))].join(",");
    const answer = await request("POST", form.dataset.endpoint, {
      "Upload-Length": String(row.file.size), "Upload-Metadata": metadata });
    if (answer.status !== 201) return { error: answer };
    const url = new URL(answer.header("Location"), window.location.href).pathname;
    remember(row.file, url);
    return { url, offset: 0 };
  }

  async function offsetOf(url) {
    // null: the server no longer knows the upload (expired or removed); a throw: ask again later.
    const answer = await request("HEAD", url, {});
    if (answer.status === 404 || answer.status === 410) return null;
    if (answer.status !== 200) throw new Error("unavailable");
    return { offset: Number(answer.header("Upload-Offset")), assetId: answer.header("Kho-Asset-Id") };
  }

  function finish(row, note, bar, assetId) {
    remember(row.file, null);
    row.done = true;
    bar.value = 100;
    note.classList.remove("error");
    note.textContent = i18n.dataset.done + ". ";
    const link = document.createElement("a");
    link.href = "/tai-nguyen/" + encodeURIComponent(assetId);
    link.textContent = i18n.dataset.view;
    note.appendChild(link);
  }

  function fail(note, detail) {
    note.textContent = i18n.dataset.failed + (detail ? ": " + detail : "");
    note.classList.add("error");
  }

  async function send(row, meta) {
    const bar = row.element.querySelector("progress");
    const note = row.element.querySelector(".row-status");
    const chunkBytes = Number(form.dataset.chunkBytes) || 8 * 1024 * 1024;
    const size = row.file.size;
    note.classList.remove("error");
    note.textContent = i18n.dataset.uploading + "…";
    let url = remembered(row.file);
    let state = null;
    try {
      if (url) {
        state = await offsetOf(url);
        if (state && state.assetId) { finish(row, note, bar, state.assetId); return; }
        if (state) note.textContent = i18n.dataset.resuming + " " + Math.round((state.offset / size) * 100) + "%…";
      }
      if (!state) {
        const created = await create(row, meta);
        if (created.error) { remember(row.file, null); fail(note, created.error.problem.detail || created.error.status); return; }
        url = created.url;
        state = created;
      }
    } catch (error) {
      fail(note, i18n.dataset.offline);
      return;
    }
    let offset = state.offset;
    let attempt = 0;
    for (;;) {
      let answer = null;
      const chunk = row.file.slice(offset, Math.min(size, offset + chunkBytes));
      const base = offset;
      try {
        answer = await request("PATCH", url, {
          "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream" }, chunk,
          (loaded) => { bar.value = Math.round(((base + loaded) / Math.max(size, 1)) * 100); });
      } catch (error) {
        answer = null;
      }
      if (answer && answer.status === 204) {
        attempt = 0;
        offset = Number(answer.header("Upload-Offset"));
        const assetId = answer.header("Kho-Asset-Id");
        if (assetId) { finish(row, note, bar, assetId); return; }
        note.textContent = i18n.dataset.uploading + "…";
        continue;
      }
      if (!retryable(answer)) {
        // Refused for good (wrong type, too large, bad metadata): start afresh next time. A lapsed sign-in
        // keeps the upload: after signing in again, the same file resumes.
        if (answer.status !== 401 && answer.status !== 403) remember(row.file, null);
        fail(note, answer.problem.detail || answer.status);
        return;
      }
      if (attempt >= RETRY_DELAYS_MS.length) {
        fail(note, i18n.dataset.retryLater);  // the URL stays remembered: the next attempt resumes
        return;
      }
      note.textContent = i18n.dataset.reconnecting + "…";
      await sleep(RETRY_DELAYS_MS[attempt]);
      attempt += 1;
      try {
        const now = await offsetOf(url);
        if (!now) { remember(row.file, null); fail(note, i18n.dataset.expired); return; }
        if (now.assetId) { finish(row, note, bar, now.assetId); return; }
        offset = now.offset;
      } catch (error) { /* still offline: the next PATCH attempt fails fast and waits longer */ }
    }
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
