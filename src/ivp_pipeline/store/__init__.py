"""The processed store, the only code that knows data/processed: read, snapshot, transaction.

Layout: data/processed/<dataset>/municipality=<code>/part-<n>.parquet, _manifest.json, _rejects.csv
(store/layout.py). Everything outside the store reads and writes through the names below.
"""

from ivp_pipeline.store.contract import ContractError, conform
from ivp_pipeline.store.layout import MANIFEST, PARTITION_COLUMN, REJECTS, partition_path, partitions
from ivp_pipeline.store.read import Filters, has_data, load_manifest, read_dataset
from ivp_pipeline.store.snapshot import Snapshot, snapshot
from ivp_pipeline.store.transaction import Transaction, merge

__all__ = [
    "MANIFEST",
    "PARTITION_COLUMN",
    "REJECTS",
    "ContractError",
    "Filters",
    "Snapshot",
    "Transaction",
    "conform",
    "has_data",
    "load_manifest",
    "merge",
    "partition_path",
    "partitions",
    "read_dataset",
    "snapshot",
]
