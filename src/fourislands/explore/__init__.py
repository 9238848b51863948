"""The explorers: one module each, an Explorer subclass over a lesson's model and charts."""
