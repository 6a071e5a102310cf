// Players of the asset and review pages. A video page fetches only its poster until someone presses play:
// then HLS is attached (natively where the browser plays it, else through the vendored hls.js, Apache-2.0,
// loaded at that moment) or, without HLS, the MP4. Audio: the waveform is a scrubbing surface.
"use strict";

(() => {
  const loadScript = (src) => new Promise((resolve, reject) => {
    const existing = document.querySelector(`script[src="${src}"]`);
    if (existing && window.Hls) { resolve(); return; }
    const script = document.createElement("script");
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error("script"));
    document.head.appendChild(script);
  });

  const attachHlsJs = (video, source) => {
    const hls = new window.Hls();
    // The full hls.js build (pages with captions) makes a text track per subtitle rendition of the
    // master playlist; the page's own <track> elements would then be listed twice.
    const dropOwnTracks = (_event, data) => {
      if (data && data.subtitleTracks && data.subtitleTracks.length) {
        video.querySelectorAll("track").forEach((track) => track.remove());
      }
    };
    hls.on(window.Hls.Events.MANIFEST_PARSED, dropOwnTracks);
    hls.on(window.Hls.Events.SUBTITLE_TRACKS_UPDATED, dropOwnTracks);
    hls.loadSource(source);
    hls.attachMedia(video);
  };

  const setupVideo = (shell) => {
    const video = shell.querySelector("video");
    const button = shell.querySelector("[data-play]");
    const state = shell.querySelector(".player-state");
    let started = null;

    const start = () => {
      if (started) return started;
      shell.classList.add("started");
      if (state) state.textContent = shell.dataset.loading || "";
      const hlsUrl = video.dataset.hls;
      if (hlsUrl && video.canPlayType("application/vnd.apple.mpegurl")) {
        video.src = hlsUrl;
        started = Promise.resolve();
      } else if (hlsUrl && window.MediaSource) {
        started = loadScript(video.dataset.hlsScript).then(() => {
          if (window.Hls && window.Hls.isSupported()) attachHlsJs(video, hlsUrl);
          else if (video.dataset.mp4) video.src = video.dataset.mp4;
        }).catch(() => { if (video.dataset.mp4) video.src = video.dataset.mp4; });
      } else {
        if (video.dataset.mp4) video.src = video.dataset.mp4;
        started = Promise.resolve();
      }
      return started;
    };

    const play = () => start().then(() => video.play()).catch(() => {}).finally(() => {
      if (state) state.textContent = "";
    });
    if (button) button.addEventListener("click", () => { play(); video.focus(); });
    // The browser's own play control works too: the first "play" attaches the source, then plays it.
    video.addEventListener("play", () => { if (!started) play(); });
  };

  const clock = (seconds) => {
    const s = Math.max(0, Math.round(seconds || 0));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  };

  const setupAudio = (figure) => {
    const audio = figure.querySelector("audio");
    const wave = figure.querySelector("[data-wave]");
    if (!audio || !wave) return;
    const bar = wave.querySelector(".wave-progress");

    const seekTo = (fraction) => {
      const go = () => {
        audio.currentTime = Math.min(Math.max(fraction, 0), 1) * audio.duration;
        if (audio.paused) audio.play().catch(() => {});
      };
      if (Number.isFinite(audio.duration)) go();
      else {
        audio.addEventListener("loadedmetadata", go, { once: true });
        audio.preload = "metadata";
        audio.load();
      }
    };
    const show = () => {
      const fraction = Number.isFinite(audio.duration) && audio.duration > 0 ? audio.currentTime / audio.duration : 0;
      if (bar) bar.style.width = `${(fraction * 100).toFixed(2)}%`;
      wave.setAttribute("aria-valuenow", String(Math.round(fraction * 100)));
      wave.setAttribute("aria-valuetext", `${clock(audio.currentTime)} / ${clock(audio.duration)}`);
    };
    wave.addEventListener("click", (event) => {
      const box = wave.getBoundingClientRect();
      seekTo((event.clientX - box.left) / box.width);
    });
    wave.addEventListener("keydown", (event) => {
      const step = event.key === "ArrowRight" ? 5 : event.key === "ArrowLeft" ? -5 : 0;
      if (event.key === " " || event.key === "Enter") {
        event.preventDefault();
        if (audio.paused) audio.play().catch(() => {}); else audio.pause();
      } else if (step) {
        event.preventDefault();
        const duration = Number.isFinite(audio.duration) ? audio.duration : 0;
        if (duration) seekTo((audio.currentTime + step) / duration); else seekTo(0);
      } else if (event.key === "Home") {
        event.preventDefault();
        seekTo(0);
      }
    });
    ["timeupdate", "loadedmetadata", "seeked"].forEach((name) => audio.addEventListener(name, show));
  };

  const init = () => {
    document.querySelectorAll("[data-video-shell]").forEach(setupVideo);
    document.querySelectorAll("[data-audio-player]").forEach(setupAudio);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
