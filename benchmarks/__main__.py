"""``python -m benchmarks``: run every benchmark and print the results side by side."""

from __future__ import annotations

from benchmarks import cli, model, report, review, service, text


def main() -> None:
    text.main()
    model.main()
    cli.main()
    report.main()
    service.main()
    review.main()


if __name__ == "__main__":
    main()
