"""Run the CLI as `python -m ivp_pipeline`."""

from ivp_pipeline.cli import main

main()
