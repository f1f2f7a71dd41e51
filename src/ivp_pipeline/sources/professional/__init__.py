"""Professional input: the workbook layout, parsing of what people type, and privacy."""
