"""The territory portrait: its data model, how it is assembled from the atlas, and its files."""
