"""`frontline search reindex`: rebuild the search index from every ticket, message and contact."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.progress import Progress

from frontline.cli.desk import open_desk
from frontline.search.service import rebuild, to_index

app = typer.Typer(help="The search index.", no_args_is_help=True)
console = Console()


@app.command()
def reindex() -> None:
    """Rebuild the index from scratch (after a bulk import or a restore; on SQLite it also drops the terms of
    replaced documents), in one transaction: searches keep seeing the old index until it commits."""
    with open_desk().session() as db, Progress(console=console) as progress:
        task = progress.add_task("Indexing tickets, messages and contacts", total=to_index(db))
        written = rebuild(db, lambda n: progress.advance(task, n))
    console.print(f"[green]Search index rebuilt: {written} documents.[/green]")
