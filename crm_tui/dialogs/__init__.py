"""Modal screens the main screen pushes: one module per dialog (import them from there).

Server actions (assign, close, note) derive from `action_dialog.ActionDialog`: they are handed a
`submit` callable and know no HTTP. The others (filter, sort, text filter, command line, help)
only return what the operator chose.
"""
