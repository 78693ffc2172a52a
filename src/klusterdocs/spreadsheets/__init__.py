"""Spreadsheets in and out: actor registers and budgets from Excel or CSV, workbooks for funders.

`reading` turns a `.xlsx` or `.csv` file into numbered rows, `importing` turns rows into the
input format's items (every bad row reported with its row and column) and `yamlmerge` writes
them into an initiative file without touching the rest of it; `exporting` writes workbooks.
The column names in both languages are data (`data/spreadsheets.yaml`).
"""
