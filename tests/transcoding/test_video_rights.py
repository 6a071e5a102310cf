"""Rights travel in video: MP4 renditions carry copyright, licence and source in their metadata atoms, and
the HLS master playlist carries them as session data. Read back by ffprobe and by the m3u8 library."""

from __future__ import annotations

from pathlib import Path

import m3u8

from tests.transcoding.av_media import make_clip, probe_json
from transcoding.probe import probe
from transcoding.profiles import Profile
from transcoding.video.render import render_video
from transcoding.video.rights import VideoRights

RIGHTS = VideoRights(title='Nghị quyết 71: "đột phá" giáo dục', organisation="Bộ Giáo dục và Đào tạo",
                     credit="Báo Giáo dục và Thời đại", copyright_notice="© 2026 Bộ GDĐT",
                     licence="CC BY 4.0", usage_terms="Dùng tự do, ghi nguồn.\nKhông cắt ghép.",
                     source_url="http://testserver/tai-nguyen/123")


def _profile() -> Profile:
    return Profile.model_validate({
        "name": "rights", "channel": "web", "label_vi": "Thử", "label_en": "Test", "kinds": ["video"],
        "video": [
            {"variant": "mp4", "output": "mp4", "width": 320, "height": 180, "preset": "ultrafast"},
            {"variant": "hls", "output": "hls", "preset": "ultrafast",
             "ladder": [{"height": 180, "maxrate_kbps": 500}]},
        ],
    })


def test_mp4_and_hls_master_carry_the_rights(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "s.mp4", size="320x180", seconds=1)
    outputs = {o.variant: o for o in render_video(source, probe(source, "video"), [_profile()], tmp_path / "out",
                                                  rights=RIGHTS)}
    tags = probe_json(outputs["mp4"].path)["format"]["tags"]
    assert tags["copyright"] == "© 2026 Bộ GDĐT"
    assert tags["title"] == 'Nghị quyết 71: "đột phá" giáo dục'
    assert tags["artist"] == "Bộ Giáo dục và Đào tạo"
    assert "CC BY 4.0" in tags["comment"] and "http://testserver/tai-nguyen/123" in tags["comment"]
    assert tags["description"] == "Dùng tự do, ghi nguồn. Không cắt ghép."
    master = m3u8.load(str(outputs["master"].path))
    assert master.is_variant and master.playlists
    data = {s.data_id: s.value for s in master.session_data}
    assert data["vn.edu.kho.copyright"] == "© 2026 Bộ GDĐT"
    assert data["vn.edu.kho.licence"] == "CC BY 4.0"
    assert data["vn.edu.kho.source"] == "http://testserver/tai-nguyen/123"
    assert data["vn.edu.kho.title"] == "Nghị quyết 71: 'đột phá' giáo dục"  # no '"' inside a quoted-string


def test_source_tags_never_leak_and_absent_rights_write_nothing(tmp_path: Path) -> None:
    source = make_clip(tmp_path / "s.mp4", size="320x180", seconds=1,
                       extra=("-preset", "ultrafast", "-metadata", "copyright=someone else"))
    [mp4, *_] = render_video(source, probe(source, "video"), [_profile()], tmp_path / "out")
    tags = probe_json(mp4.path)["format"].get("tags", {})
    assert "copyright" not in tags and "comment" not in tags
