"""Interactive explorers, one module each: pure logic functions plus a thin ipywidgets view."""
