"""Views: notebook display, plots, the HTML report, text and export formats, and
file writing. Nothing below imports from here except lazily inside a method."""
