"""Parses an OpenMetrics exposition on standard input with the Prometheus project's own Python
client (prometheus_client's OpenMetrics parser, which also insists on the closing `# EOF`) and
prints what it parsed as JSON: family name -> {type, help, samples: [{name, labels, value}]}.
Exit status 1, with the parser's words on standard error, when it refuses the text."""

import json
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families


def main():
    text = sys.stdin.read()
    try:
        families = {
            family.name: {
                "type": family.type,
                "help": family.documentation,
                "samples": [
                    {"name": s.name, "labels": s.labels, "value": s.value}
                    for s in family.samples
                ],
            }
            for family in text_string_to_metric_families(text)
        }
    except Exception as error:  # the parser raises ValueError and others on bad input
        print(f"parse: {error}", file=sys.stderr)
        sys.exit(1)
    json.dump(families, sys.stdout)


if __name__ == "__main__":
    main()
