"""Pictures (infographics, posters): decode under limits, crops around the focal point, encodes, print PDFs, OCR."""
