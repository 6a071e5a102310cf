FROM python:3.11-slim-bookworm
# Media tools, OCR with Vietnamese data, fonts with every Vietnamese glyph, speech for demo content.
RUN apt-get update && apt-get install -y --no-install-recommends \
      ffmpeg tesseract-ocr tesseract-ocr-vie fonts-dejavu-core fonts-noto-core espeak-ng poppler-utils curl \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 kho
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY service service
COPY storage storage
COPY transcoding transcoding
COPY search search
COPY migrations migrations
COPY web web
COPY scripts/i18n.sh scripts/i18n.sh
# Compile the message catalogues (.po → .mo) into the tree the wheel is built from.
RUN pip install --no-cache-dir "babel>=2.14" && PYBABEL=pybabel bash scripts/i18n.sh compile \
    && pip install --no-cache-dir . && mkdir -p /var/lib/kho && chown kho /var/lib/kho
USER kho
ENV KHO_VAR_DIR=/var/lib/kho
EXPOSE 8000
CMD ["kho", "api", "--host", "0.0.0.0", "--port", "8000"]
