"""Text handling shared by the server and the console: stdlib only."""
