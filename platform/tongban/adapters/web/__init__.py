"""The Flask-AppBuilder web app: read-only browsing now; designer, worklists, portal later."""
