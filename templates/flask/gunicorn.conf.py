"""gunicorn's settings that have no command-line flag (the Procfile's web: line holds the rest)."""

import gunicorn

# No `Server: gunicorn` banner: gunicorn has no setting for it and sends this name in every
# response. The config file is read before gunicorn builds its first response.
gunicorn.SERVER = ""
