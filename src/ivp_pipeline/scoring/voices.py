"""What professionals said, per unit x theme x organisation type: ratings with agreement, and remarks.

Two frames for result.extras (reports/voices.py renders them):

- "professionals_by_type" (BY_TYPE): per unit, theme and organisation type the respondents, the mean
  of their ratings (each respondent's mean over the criteria they rated), the quartiles q1 and q3 of
  those means (the interquartile range shows agreement within the type) and the share of respondents
  whose mean is 4 or more ("groot of zeer groot"). A unit counts its own ratings plus those given for
  the whole region, as the professionals criterion does.
- "professional_remarks" (REMARKS): per unit, theme and organisation type each distinct remark once,
  with the pseudonymous respondent ordinal (r0001, ...). Remarks were scrubbed on the way in (names,
  e-mail addresses and phone numbers removed); nothing here identifies a person.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ivp_pipeline.scoring.professionals import units_with_rows

BY_TYPE = (
    "municipality",
    "theme",
    "organisation_type",
    "respondents",
    "mean_rating",
    "q1",
    "q3",
    "share_high",
)
REMARKS = ("municipality", "theme", "organisation_type", "respondent", "remark")
HIGH = 4.0  # a respondent mean of 4 or more: "groot of zeer groot"


def voices_extras(
    prof: pd.DataFrame, units: list[str], themes: list[str], region_code: str
) -> dict[str, pd.DataFrame]:
    """{"professionals_by_type": ..., "professional_remarks": ...} (empty frames without input)."""
    prof = prof[prof["theme"].isin(themes)]
    by_type, remarks = [], []
    # the region's rows (units without ratings of their own) are summarised once
    region_only: tuple[list[tuple[object, ...]], list[tuple[object, ...]]] | None = None
    for unit, sub, shared in units_with_rows(prof, units, region_code):
        if sub.empty:
            continue
        if shared and region_only is not None:
            by_type += [(unit, *r[1:]) for r in region_only[0]]
            remarks += [(unit, *r[1:]) for r in region_only[1]]
            continue
        first_type, first_remark = len(by_type), len(remarks)
        means = (
            sub.assign(rating=sub["rating"].astype(float))
            .groupby(["theme", "organisation_type", "respondent"], sort=True)["rating"]
            .mean()
            .reset_index()
        )
        for (theme, org), g in means.groupby(["theme", "organisation_type"], sort=True):
            r = g["rating"].to_numpy(float)
            q1, q3 = np.quantile(r, [0.25, 0.75])
            by_type.append(
                (unit, theme, org, len(r), float(r.mean()), float(q1), float(q3), float(np.mean(r >= HIGH)))
            )
        said = sub[sub["remark"].notna() & (sub["remark"].astype(str).str.strip() != "")]
        said = said.drop_duplicates(["theme", "organisation_type", "respondent", "remark"])
        said = said.sort_values(["theme", "organisation_type", "respondent", "remark"], kind="stable")
        remarks += [
            (unit, t, o, r, str(x).strip())
            for t, o, r, x in zip(
                said["theme"], said["organisation_type"], said["respondent"], said["remark"], strict=True
            )
        ]
        if shared:
            region_only = by_type[first_type:], remarks[first_remark:]
    return {
        "professionals_by_type": pd.DataFrame(by_type, columns=list(BY_TYPE)),
        "professional_remarks": pd.DataFrame(remarks, columns=list(REMARKS)),
    }
