"""The Textual app (installed as ``paperkit.tui``): screens and widgets only. It asks ``paperkit``
for plain data and never imports torch, diffusers or pymupdf itself; those load in workers."""
