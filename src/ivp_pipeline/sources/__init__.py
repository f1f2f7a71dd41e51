"""One reader per source kind; each turns a received file into canonical rows plus rejects.

READERS lists the modules in detection order (most specific first). A reader module defines
`KIND`, `DATASET`, `sniff(head) -> bool` and `read(source, ctx) -> Iterator[pyarrow.Table]`.
"""

READERS: tuple[str, ...] = (
    "ivp_pipeline.sources.police.odata",
    "ivp_pipeline.sources.police.bulk",
    "ivp_pipeline.sources.police.labels",
    "ivp_pipeline.sources.survey.statline",
    "ivp_pipeline.sources.survey.local",
    "ivp_pipeline.sources.population",
    "ivp_pipeline.sources.professional.reader",
)
