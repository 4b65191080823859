"""The PDF engine: open a paper, read its outline and text in reading order, find its numbered
equations and rebuild their LaTeX from the glyphs. pymupdf is imported only when a PDF is opened.
"""
