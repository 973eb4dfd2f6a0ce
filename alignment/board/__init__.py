"""The board pack: one description of the quarter's content (pack.py) rendered to PPTX, PDF, XLSX and CSV."""
