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
    row.preview = URL.createObjectURL(file);
    img.src = row.preview;
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
      row.chosen = true;  // otherwise processing finds the point from the headline (transcoding/image/focal.py)
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

  // --- row states: ready → queued → sending % → processing (per output) → done, or refused with the reason ---
  const ALT_KINDS = new Set(["infographic", "poster"]);  // the kinds that need an image description
  const KIND_ICON = { infographic: "image", poster: "image", video: "video", podcast: "audio", loudspeaker: "audio" };
  const POLL_MS = 2000;
  const POLL_LIMIT_MS = 15 * 60 * 1000;
  let profileLabels = null;

  function setState(row, state, text, isError) {
    row.state = state;
    row.element.dataset.state = state;
    row.element.classList.toggle("refused", state === "refused" || state === "failed");
    row.element.classList.toggle("done", state === "done" || state === "submitted");
    const note = row.element.querySelector(".row-status");
    note.textContent = text || "";
    note.classList.toggle("error", Boolean(isError));
    const sending = state === "sending";
    row.element.querySelector(".row-progress").hidden = !sending;
    // Fields can change until the file is on its way; a sent file's details are edited on its page.
    row.element.querySelector(".row-fields").hidden = !["ready", "refused", "failed", "queued"].includes(state);
    row.element.querySelector(".remove-row").hidden = !["ready", "refused", "failed"].includes(state);
    row.element.querySelector(".row-next").hidden = !(row.assetId && (state === "processing" || state === "done"));
    updateSummary();
  }

  function setPercent(row, percent) {
    row.element.querySelector("progress").value = percent;
    row.element.querySelector(".row-percent").textContent = percent + "%";
    const note = row.element.querySelector(".row-status");
    note.textContent = i18n.dataset.uploading + " " + percent + "%";
  }

  function updateKindFields(row) {
    const kind = row.element.querySelector('[data-field="kind"]').value;
    row.element.querySelector(".alt-field").hidden = !ALT_KINDS.has(kind);
    const icon = row.element.querySelector(".kind-icon use");
    icon.setAttribute("href", "#i-" + (KIND_ICON[kind] || "file"));
  }

  function removeRow(row) {
    const at = rows.indexOf(row);
    if (at >= 0) rows.splice(at, 1);
    row.element.remove();
    if (row.preview) URL.revokeObjectURL(row.preview);
    const next = rows[at] || rows[at - 1];
    if (next) next.element.querySelector(".remove-row").focus();
    else document.getElementById("files").focus();
    updateSummary();
  }

  function updateSummary() {
    document.getElementById("no-files").hidden = rows.length > 0;
    const sent = rows.filter((r) => r.assetId);
    const busy = rows.some((r) => r.state === "queued" || r.state === "sending");
    if (rows.length && !busy && sent.length) {
      status.textContent = sent.length + "/" + rows.length + " " + i18n.dataset.done;
    } else if (!busy) {
      status.textContent = "";
    }
    const next = document.getElementById("upload-next");
    const waiting = sent.filter((r) => r.state !== "submitted");
    next.hidden = busy || !sent.length;
    document.getElementById("submit-all").hidden = waiting.length === 0;
  }

  let counter = 0;
  function addFile(file) {
    const fragment = template.content.cloneNode(true);
    const element = fragment.querySelector("li");
    const index = counter;
    counter += 1;
    element.querySelector(".file-name .name").textContent = file.name;
    element.querySelector(".file-size").textContent = "(" + sizeText(file.size) + ")";
    element.querySelectorAll("[data-field]").forEach((control) => {
      control.id = "f" + index + "-" + control.dataset.field;
      control.name = control.dataset.field;
    });
    element.querySelectorAll("label[data-for]").forEach((label) => {
      label.htmlFor = "f" + index + "-" + label.dataset.for;
    });
    const remove = element.querySelector(".remove-row");
    remove.querySelector(".visually-hidden").textContent = i18n.dataset.remove + ": " + file.name;
    const row = { file, element, focal: [0.5, 0.5], done: false, state: "ready", assetId: null };
    element.querySelector('[data-field="title"]').value = titleFrom(file.name);
    const kind = element.querySelector('[data-field="kind"]');
    kind.value = guessKind(file);
    kind.addEventListener("change", () => updateKindFields(row));
    remove.addEventListener("click", () => removeRow(row));
    // A row refused here (a field missing) is ready again as soon as it is edited: the message must stay true.
    element.querySelector(".row-fields").addEventListener("input", () => {
      if (row.state === "refused" && row.localRefusal) { row.localRefusal = false; setState(row, "ready", i18n.dataset.ready); }
    });
    element.querySelector(".submit-now").addEventListener("click", () => submitRow(row));
    rows.push(row);
    list.appendChild(fragment);
    updateKindFields(row);
    if (file.type.startsWith("image/")) setupFocal(row, file);
    setState(row, "ready", i18n.dataset.ready);
  }

  function sizeText(bytes) {
    if (bytes >= 1024 * 1024) return (bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, "") + " MB";
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  async function json(url, options) {
    const response = await fetch(url, Object.assign({ credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRF-Token": form.dataset.csrf } }, options || {}));
    let body = {};
    try { body = await response.json(); } catch (error) { body = {}; }
    return { ok: response.ok, status: response.status, body };
  }

  function labelsOfProfiles() {
    if (!profileLabels) {
      try { profileLabels = JSON.parse(i18n.dataset.profiles || "{}"); } catch (error) { profileLabels = {}; }
    }
    return profileLabels;
  }

  // Processing: the renditions API tells the job's progress and each output's state; poll until finished.
  async function followProcessing(row) {
    const started = Date.now();
    const outputs = row.element.querySelector(".row-outputs");
    const labels = labelsOfProfiles();
    for (;;) {
      let answer = null;
      try { answer = await json("/api/v1/assets/" + encodeURIComponent(row.assetId) + "/renditions"); } catch (error) { answer = null; }
      if (!row.element.isConnected || row.state === "submitted" && !answer) return;
      if (answer && answer.ok) {
        const data = answer.body;
        const items = (data.profiles || []).map((p) => {
          const li = document.createElement("li");
          const name = document.createElement("span");
          name.textContent = labels[p.profile] || p.profile;
          const badge = document.createElement("span");
          const key = { ready: "outReady", processing: "outProcessing", failed: "outFailed" }[p.status] || "outPending";
          badge.className = "badge" + (p.status === "ready" ? " ok" : p.status === "failed" ? " warn" : "");
          badge.textContent = i18n.dataset[key];
          li.append(name, badge);
          return li;
        });
        outputs.replaceChildren(...items);
        outputs.hidden = items.length === 0;
        const finished = data.job_status === "succeeded" || data.job_status === "failed" || data.job_status === "cancelled"
          || (!data.job_status && (data.profiles || []).every((p) => p.status === "ready" || p.status === "failed"));
        if (row.state === "processing") {
          if (data.job_status === "failed") {
            setState(row, "done", i18n.dataset.processingFailed + (data.job_error ? ": " + data.job_error : ""), true);
            appendView(row);
          } else if (finished) {
            setState(row, "done", i18n.dataset.processed + " ");
            appendView(row);
          } else {
            const percent = Math.round((data.job_progress || 0) * 100);
            setState(row, "processing", i18n.dataset.processing + (percent ? " " + percent + "%" : "") + " ");
            appendView(row);
          }
        }
        if (finished) return;
      }
      if (Date.now() - started > POLL_LIMIT_MS) return;
      await sleep(POLL_MS);
    }
  }

  function appendView(row) {
    const note = row.element.querySelector(".row-status");
    const link = document.createElement("a");
    link.href = "/tai-nguyen/" + encodeURIComponent(row.assetId);
    link.textContent = i18n.dataset.view;
    note.appendChild(link);
  }

  async function submitRow(row) {
    const button = row.element.querySelector(".submit-now");
    button.disabled = true;
    let answer = null;
    try {
      answer = await json("/api/v1/assets/" + encodeURIComponent(row.assetId) + "/submit",
        { method: "POST", headers: { Accept: "application/json", "Content-Type": "application/json",
          "X-CSRF-Token": form.dataset.csrf }, body: "{}" });
    } catch (error) { answer = null; }
    if (answer && answer.ok) {
      row.element.querySelector(".row-next").hidden = true;
      setState(row, "submitted", i18n.dataset.submitted + " ");
      appendView(row);
      return true;
    }
    button.disabled = false;
    const note = row.element.querySelector(".row-status");
    note.textContent = i18n.dataset.submitFailed + ": " + ((answer && answer.body.detail) || i18n.dataset.offline) + " ";
    note.classList.add("error");
    appendView(row);
    return false;
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
    if (alt && ALT_KINDS.has(meta.kind)) meta.alt_text = alt;  // only the kinds that show the field
    const described = get("audio_description");  // read aloud into the podcast and loudspeaker versions
    if (described && ALT_KINDS.has(meta.kind)) meta.audio_description = described;
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
    row.assetId = assetId;
    bar.value = 100;
    setState(row, "processing", i18n.dataset.processing + " ");
    appendView(row);
    followProcessing(row);
  }

  // Refused (the server said no, with its reason) or failed (the network): no bar, the reason in words.
  function fail(row, detail, refused) {
    setState(row, refused ? "refused" : "failed",
      (refused ? i18n.dataset.refused : i18n.dataset.failed) + (detail ? ": " + detail : ""), true);
  }

  async function send(row, meta) {
    const bar = row.element.querySelector("progress");
    const note = row.element.querySelector(".row-status");
    const chunkBytes = Number(form.dataset.chunkBytes) || 8 * 1024 * 1024;
    const size = row.file.size;
    setState(row, "sending", "");
    setPercent(row, 0);
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
        if (created.error) {
          remember(row.file, null);
          fail(row, created.error.problem.detail || created.error.status, created.error.status < 500);
          return;
        }
        url = created.url;
        state = created;
      }
    } catch (error) {
      fail(row, i18n.dataset.offline);
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
          (loaded) => setPercent(row, Math.min(99, Math.round(((base + loaded) / Math.max(size, 1)) * 100))));
      } catch (error) {
        answer = null;
      }
      if (answer && answer.status === 204) {
        attempt = 0;
        offset = Number(answer.header("Upload-Offset"));
        const assetId = answer.header("Kho-Asset-Id");
        if (assetId) { finish(row, note, bar, assetId); return; }
        setPercent(row, Math.min(99, Math.round((offset / Math.max(size, 1)) * 100)));
        continue;
      }
      if (!retryable(answer)) {
        // Refused for good (wrong type, too large, bad metadata): start afresh next time. A lapsed sign-in
        // keeps the upload: after signing in again, the same file resumes.
        if (answer.status !== 401 && answer.status !== 403) remember(row.file, null);
        fail(row, answer.problem.detail || answer.status, true);
        return;
      }
      if (attempt >= RETRY_DELAYS_MS.length) {
        fail(row, i18n.dataset.retryLater);  // the URL stays remembered: the next attempt resumes
        return;
      }
      note.textContent = i18n.dataset.reconnecting + "…";
      await sleep(RETRY_DELAYS_MS[attempt]);
      attempt += 1;
      try {
        const now = await offsetOf(url);
        if (!now) { remember(row.file, null); fail(row, i18n.dataset.expired); return; }
        if (now.assetId) { finish(row, note, bar, now.assetId); return; }
        offset = now.offset;
      } catch (error) { /* still offline: the next PATCH attempt fails fast and waits longer */ }
    }
  }

  async function start(event) {
    event.preventDefault();
    const pending = rows.filter((row) => !row.done && row.state !== "queued" && row.state !== "sending");
    if (!pending.length) { status.textContent = rows.length ? "" : i18n.dataset.none; return; }
    const shared = sharedMetadata();
    for (const row of pending) {
      const meta = rowMetadata(row, shared);
      const missing = !meta.title ? ["title", i18n.dataset.titleRequired]
        : ALT_KINDS.has(meta.kind) && !meta.alt_text ? ["alt_text", i18n.dataset.altRequired] : null;
      if (missing) {
        setState(row, "refused", missing[1], true);
        row.localRefusal = true;
        row.element.querySelector('[data-field="' + missing[0] + '"]').focus();
        return;
      }
    }
    pending.forEach((row) => setState(row, "queued", i18n.dataset.queued));
    // The rows, not the button at the foot of the long form, are where the progress is: bring them into view.
    pending[0].element.scrollIntoView({ block: "start", behavior: "smooth" });
    // Two at a time: enough to fill a weak uplink without starving the page.
    const queue = pending.slice();
    const worker = async () => {
      while (queue.length) {
        const row = queue.shift();
        if (row.element.isConnected) await send(row, rowMetadata(row, shared));
      }
    };
    await Promise.all([worker(), worker()]);
    updateSummary();
  }

  async function submitAll() {
    const button = document.getElementById("submit-all");
    button.disabled = true;
    const waiting = rows.filter((r) => r.assetId && r.state !== "submitted");
    let ok = 0;
    for (const row of waiting) if (await submitRow(row)) ok += 1;
    button.disabled = false;
    document.getElementById("submit-all-status").textContent = ok + "/" + waiting.length + " " + i18n.dataset.submitted;
    updateSummary();
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
    document.getElementById("submit-all").addEventListener("click", submitAll);
    document.getElementById("upload-more").addEventListener("click", () => input.click());
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
