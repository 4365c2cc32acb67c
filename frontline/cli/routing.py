"""`frontline routing train | evaluate | sentiment-evaluate`: the ticket classifier from the desk's own history,
and the sentiment scorer on its labelled sets."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from frontline.cli.desk import open_desk
from frontline.kit.settings import get_settings
from frontline.routing import sentiment_eval
from frontline.routing.classifier import evaluate
from frontline.routing.training import history, retrain

app = typer.Typer(help="Ticket classification and routing.", no_args_is_help=True)
console = Console()


@app.command()
def train() -> None:
    """Retrain the classifier on handled tickets and save it for every server process."""
    settings = get_settings()
    with open_desk(settings).session(write=False) as db, console.status("Training…"):
        model = retrain(db, settings.data_dir)
    if not model.models:
        console.print("[yellow]Too little history to learn from; the classifier stays silent.[/yellow]")
        return
    for name, field_model in model.models.items():
        console.print(f"{name}: {len(field_model.classes)} classes from {field_model.trained_on} tickets")


@app.command("evaluate")
def evaluate_command(
    threshold: float = typer.Option(None, help="Confidence threshold (default: the desk's setting)."),
) -> None:
    """Accuracy and confusion table on a held-out 20% of the desk's own handled tickets (those whose text
    repeats a training ticket's word for word are left out and counted)."""
    settings = get_settings()
    threshold = settings.routing_confidence_threshold if threshold is None else threshold
    with open_desk(settings).session(write=False) as db, console.status("Loading history…"):
        examples = history(db)
    results = evaluate(examples, threshold=threshold)
    if not results:
        console.print(f"[yellow]Too little history ({len(examples)} handled tickets) to evaluate.[/yellow]")
        raise typer.Exit(1)
    for r in results:
        repeats = (f"; left out {r.dropped} held-out tickets whose text repeats a training ticket's word for word "
                   f"(with them: {r.accuracy_with_repeats:.1%} right)") if r.dropped else ""
        if not r.test_size:
            console.print(f"\n[bold]{r.field}[/bold]: every held-out ticket ({r.dropped}) repeats a training "
                          f"ticket's text word for word: nothing left to measure learning on (with them: "
                          f"{r.accuracy_with_repeats:.1%} right)")
            continue
        console.print(
            f"\n[bold]{r.field}[/bold]: accuracy {r.accuracy:.1%} on {r.test_size} held-out tickets "
            f"(always guessing the most common: {r.baseline:.1%}); at confidence >= {threshold:.2f}: "
            f"{r.coverage_at_threshold:.1%} of tickets, {r.accuracy_at_threshold:.1%} right{repeats}"
        )
        table = Table("true \\ predicted", *[label[:14] for label in r.labels])
        for label, row in zip(r.labels, r.confusion, strict=True):
            table.add_row(label[:18], *[str(v) for v in row])
        console.print(table)


@app.command("sentiment-evaluate")
def sentiment_evaluate_command(
    dataset: str = typer.Option("eval", "--set", help="eval (the evaluation set), dev (the development set the "
                                "lexicon was tuned on) or the path of a TSV file with lang, label, kind, text."),
    show_misses: bool = typer.Option(False, "--misses", help="List the messages labelled wrongly."),
) -> None:
    """Accuracy, macro-F1 and per-class precision/recall of the sentiment scorer, overall and per language."""
    path = {"eval": sentiment_eval.EVALUATION, "dev": sentiment_eval.DEVELOPMENT}.get(dataset) or Path(dataset)
    if not path.is_file():
        console.print(f"[red]No such data set: {dataset}.[/red]")
        raise typer.Exit(2)
    examples = sentiment_eval.load(path)
    console.print(f"{path.name}: {len(examples)} labelled messages")
    for figures in sentiment_eval.evaluate(examples):
        console.print(f"\n[bold]{figures.name}[/bold] ({figures.size} messages): accuracy {figures.accuracy:.1%}, "
                      f"macro-F1 {figures.macro_f1:.3f}")
        table = Table("label", "messages", "precision", "recall", "F1")
        for c in figures.classes:
            table.add_row(c.label, str(c.support), f"{c.precision:.1%}", f"{c.recall:.1%}", f"{c.f1:.3f}")
        console.print(table)
    if show_misses:
        for example, said in sentiment_eval.misses(examples):
            console.print(f"{example.lang} {example.kind:9} {example.label:8} -> {said:8} {example.text}",
                          markup=False, highlight=False, soft_wrap=True)
