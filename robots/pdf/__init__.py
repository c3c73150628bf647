"""PDF robot: the text layer of PDFs (pdfium), for e-application printouts and system-made notices."""
