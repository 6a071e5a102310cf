"""Documents: PDF previews and thumbnails, office files to PDF (LibreOffice), accessible (tagged) PDFs."""
