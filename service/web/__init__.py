"""The web page served at `/`: static files only, no build step, nothing from a CDN."""
