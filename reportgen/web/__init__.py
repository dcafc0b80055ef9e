"""The web application (`reportgen serve`): see app.py."""
