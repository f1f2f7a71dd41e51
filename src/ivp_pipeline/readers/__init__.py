"""One reader per source kind; each turns a received file into canonical rows plus rejects.

READERS lists the modules in detection order (most specific first). A reader module defines
`KIND`, `DATASET`, `sniff(head) -> bool` and `read(source, ctx) -> Iterator[pyarrow.Table]`.
"""

READERS: tuple[str, ...] = (
    "ivp_pipeline.readers.police_odata",
    "ivp_pipeline.readers.police_bulk",
    "ivp_pipeline.readers.police_labels",
    "ivp_pipeline.readers.survey_statline",
    "ivp_pipeline.readers.survey_local",
    "ivp_pipeline.readers.population",
    "ivp_pipeline.readers.professional",
)
