// Focal point page: tap the picture or use the arrow keys / sliders; every channel's crop is redrawn on the
// spot with the server's own arithmetic (transcoding/image/geometry.py cover_box), then saved by the form.
(function () {
  "use strict";

  // The largest box of aspect aw:ah inside sw×sh, centred on (fx, fy) as far as the edges allow.
  // Same steps and order as cover_box + inside in Python, so both give the same floats.
  function coverBox(sw, sh, aw, ah, fx, fy) {
    const scale = Math.max(aw / sw, ah / sh);
    const cw = Math.min(aw / scale, sw), ch = Math.min(ah / scale, sh);
    const left0 = Math.min(Math.max(fx * sw - cw / 2, 0), sw - cw);
    const top0 = Math.min(Math.max(fy * sh - ch / 2, 0), sh - ch);
    const left = Math.min(Math.max(left0, 0), sw), top = Math.min(Math.max(top0, 0), sh);
    return [left, top, Math.max(left, Math.min(left0 + cw, sw)), Math.max(top, Math.min(top0 + ch, sh))];
  }
  window.KhoFocal = { coverBox: coverBox };

  function clamp(v) { return Math.min(1, Math.max(0, v)); }

  function setup() {
    const form = document.querySelector(".focal-editor");
    if (!form) return;
    const stage = form.querySelector(".focal-stage");
    const picture = form.querySelector(".focal-picture");
    const marker = form.querySelector(".focal-marker");
    const readout = document.getElementById("focal-readout");
    const label = document.getElementById("focal-text").dataset.value;
    const inputX = document.getElementById("focal-x"), inputY = document.getElementById("focal-y");
    const frames = Array.from(form.querySelectorAll(".crop-frame"));
    let fx = Number(inputX.value) / 100, fy = Number(inputY.value) / 100;
    frames.forEach((frame) => {
      frame.style.aspectRatio = frame.dataset.w + " / " + frame.dataset.h;
      if (Number(frame.dataset.h) > Number(frame.dataset.w)) frame.classList.add("tall");
    });

    function size() {
      return [picture.naturalWidth || Number(picture.getAttribute("width")),
              picture.naturalHeight || Number(picture.getAttribute("height"))];
    }

    function draw() {
      const [sw, sh] = size();
      marker.style.left = (fx * 100) + "%";
      marker.style.top = (fy * 100) + "%";
      readout.textContent = label + ": " + (Math.round(fx * 1000) / 10) + "% × " + (Math.round(fy * 1000) / 10) + "%";
      frames.forEach((frame) => {
        const w = Number(frame.dataset.w), h = Number(frame.dataset.h);
        const [l, t, r, b] = coverBox(sw, sh, w, h, fx, fy);
        const img = frame.querySelector("img");
        img.style.width = (sw / (r - l) * 100) + "%";
        img.style.height = (sh / (b - t) * 100) + "%";
        img.style.left = (-l / (r - l) * 100) + "%";
        img.style.top = (-t / (b - t) * 100) + "%";
        frame.dataset.box = [l / sw, t / sh, r / sw, b / sh].map((v) => v.toFixed(6)).join(",");
      });
    }

    function set(x, y) {
      fx = clamp(x); fy = clamp(y);
      inputX.value = (Math.round(fx * 1000) / 10).toString();
      inputY.value = (Math.round(fy * 1000) / 10).toString();
      draw();
    }

    stage.addEventListener("click", (event) => {
      const rect = picture.getBoundingClientRect();
      if (!rect.width || event.detail === 0) return;  // a keyboard "click" keeps the point
      set((event.clientX - rect.left) / rect.width, (event.clientY - rect.top) / rect.height);
    });
    stage.addEventListener("keydown", (event) => {
      const step = event.shiftKey ? 0.1 : 0.01;
      const move = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[event.key];
      if (!move) return;
      event.preventDefault();
      set(fx + move[0], fy + move[1]);
    });
    [inputX, inputY].forEach((input) => input.addEventListener("input", () => {
      fx = clamp(Number(inputX.value) / 100); fy = clamp(Number(inputY.value) / 100);
      draw();
    }));
    if (picture.complete) draw(); else picture.addEventListener("load", draw);
    draw();
  }

  document.addEventListener("DOMContentLoaded", setup);
})();
