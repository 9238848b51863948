"""The course on JupyterHub: a real hub, real Unix students, a real browser."""
