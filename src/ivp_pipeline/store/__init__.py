"""The processed store, the only code that knows data/processed: read, snapshot, transaction.

Layout: data/processed/<dataset>/municipality=<code>/part-<n>.parquet, _manifest.json, _rejects.csv
(store/layout.py). Everything outside the store reads and writes through the names below.

The reading side is imported with the package; the contract and the transaction (the writer and
pyarrow's compute kernels) when first used (`__getattr__`), so that a process that needs only the
manifest (the read-ahead of `ivp ingest`, steps/readahead.py) does not load them first. The type
checker and import-linter see those names through the `TYPE_CHECKING` imports below. (`snapshot`
is imported here: the function has the name of its module, which an import of the module would
otherwise put in its place.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ivp_pipeline.loading import lazy_names
from ivp_pipeline.store.layout import MANIFEST, PARTITION_COLUMN, REJECTS, partition_path, partitions
from ivp_pipeline.store.read import Filters, has_data, load_manifest, read_dataset
from ivp_pipeline.store.snapshot import Snapshot, snapshot

if TYPE_CHECKING:
    from ivp_pipeline.store.contract import ContractError, conform
    from ivp_pipeline.store.transaction import Slices, Transaction, merge

# name offered here -> its module
_LAZY = {
    "ContractError": "ivp_pipeline.store.contract",
    "conform": "ivp_pipeline.store.contract",
    "Slices": "ivp_pipeline.store.transaction",
    "Transaction": "ivp_pipeline.store.transaction",
    "merge": "ivp_pipeline.store.transaction",
}


__getattr__ = lazy_names(__name__, _LAZY)


__all__ = [
    "MANIFEST",
    "PARTITION_COLUMN",
    "REJECTS",
    "ContractError",
    "Filters",
    "Slices",
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
