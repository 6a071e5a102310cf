// HLS playback through the vendored hls.js (Apache-2.0) where the browser has no native HLS.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("video[data-hls]").forEach((video) => {
    const source = video.dataset.hls;
    if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = source;
    } else if (window.Hls && window.Hls.isSupported()) {
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
    }
  });
});
