"""Settings and data files (questionnaires, demo region). Imports nothing of ours."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
