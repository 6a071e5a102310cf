// HLS playback through the vendored hls.js (Apache-2.0) where the browser has no native HLS.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("video[data-hls]").forEach((video) => {
    const source = video.dataset.hls;
    if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = source;
    } else if (window.Hls && window.Hls.isSupported()) {
      const hls = new window.Hls();
      hls.loadSource(source);
      hls.attachMedia(video);
    }
  });
});
