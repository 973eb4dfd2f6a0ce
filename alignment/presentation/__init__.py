"""The presentation vocabulary the screen (ui/) and the exports (alignment/board/) share: colours, number formats, and
chart and table descriptions."""
