"""OKRs as files: import and export teams, people, periods, objectives, key results, check-ins,
heartbeats and work packets as YAML or JSON (see docs/file-format.md), and the demo data."""
