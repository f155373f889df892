"""manage.py identify --corporations FILE --registered FILE --out FILE.

The national batch run of identification (把握): NTA corporations against registered workplaces.
"""

import time
from pathlib import Path

import polars as pl
from django.core.management.base import BaseCommand, CommandError

from lib import identify, nta, tables


class Command(BaseCommand):
    help = "法人番号データと適用事業の一覧を突き合わせ、未手続候補・適用済・要確認を CSV に出力します。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--corporations",
            required=True,
            type=Path,
            help="法人番号公表サイトの全件・差分データ（Unicode版CSV、zip可）",
        )
        parser.add_argument(
            "--registered",
            required=True,
            type=Path,
            help="適用事業の一覧（ヘッダー行付きCSV、UTF-8 または Shift_JIS）",
        )
        parser.add_argument("--out", required=True, type=Path, help="出力先 CSV（UTF-8）")
        parser.add_argument(
            "--decisions",
            type=Path,
            help="過去の確認結果（ヘッダー行付きCSV：法人番号, 労働保険番号, 判断＝同一／別）。同一は適用済、別は候補から外す",
        )

    def handle(
        self, *args, corporations: Path, registered: Path, out: Path, decisions: Path | None, **options
    ):
        started = time.monotonic()
        for path in (corporations, registered, *([decisions] if decisions else [])):
            if not path.is_file():
                raise CommandError(f"ファイルがありません：{path}")
        try:
            # Scanned, not read: the raw text is read and normalised in batches, never all at once.
            with identify.scan_registered(registered) as registered_rows:
                outcome = identify.identify(
                    nta.scan(corporations, identify.NTA_COLUMNS),
                    registered_rows,
                    identify.read_decisions(decisions.read_bytes()) if decisions else None,
                )
        except (nta.NtaFormatError, tables.TableError, ValueError) as error:
            raise CommandError(str(error)) from None
        except pl.exceptions.PolarsError as error:  # a malformed CSV, found while scanning it
            raise CommandError(
                f"CSV として読めません（行の列数や引用符を確認してください）：{error}"
            ) from None
        # Written beside the target and renamed when complete: a reader never sees half a file.
        partial = out.with_name(out.name + ".partial")
        outcome.rows.write_csv(partial)
        partial.replace(out)
        counts = dict(outcome.rows.group_by("判定").len().iter_rows())
        summary = "、".join(
            f"{v} {counts.get(v, 0):,}件" for v in (identify.CANDIDATE, identify.REGISTERED, identify.REVIEW)
        )
        left_out = "、".join(f"{reason} {n:,}件" for reason, n in outcome.excluded.items())
        self.stdout.write(f"{out} に {outcome.rows.height:,}件を出力しました（{summary}）。")
        self.stdout.write(f"出力しなかった法人：{left_out}。")
        self.stdout.write(f"処理時間 {time.monotonic() - started:.1f}秒")
