"""The window's pages. Each is a QWidget that reads through the reader and writes
through the op runner, and refreshes from the OpChanges the runner announces."""
