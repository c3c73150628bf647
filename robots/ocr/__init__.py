"""OCR robot: paper forms to rows with tesseract (jpn), alignment marks, typed checks and human review."""
