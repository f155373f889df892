"""Master data files shipped with the project (copied from shared/domain; never read from there)."""

from pathlib import Path

PREFECTURES_CSV = Path(__file__).resolve().parent / "prefectures.csv"
