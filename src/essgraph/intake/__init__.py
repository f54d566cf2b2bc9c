"""Plan intake: a collectivité publishes its plan from a spreadsheet, without writing RDF.

Two ways in — essgraph's own template (a Frictionless Tabular Data Package as CSV files, an XLSX or an ODS
workbook: :mod:`.schema`, :mod:`.package`, :mod:`.tables`, :mod:`.template`) and the plan-import sheet of
Territoires en Transitions (:mod:`.tet`) — read into one plan model (:mod:`.model`), converted to Turtle per
docs/modelling.md (:mod:`.convert`, :mod:`.orgs`, :mod:`.graph`), checked cell by cell with problems reported in
French and English at their cells (:mod:`.problems`, :mod:`.messages`), with SHACL results mapped back to rows
(:mod:`.locate`). Hostile files are refused first (:mod:`.safety`). The build converts the workbooks a project lists
(:mod:`.sources`); ``essgraph import`` and ``essgraph template`` are in :mod:`.commands`, the template written back
from a published plan in :mod:`.export`, the blank one in :mod:`.blank` and :mod:`.workbook`.
"""
