"""Audio: two-pass loudness normalisation, MP3/AAC encodes with tags, waveforms, speech (espeak-ng)."""
