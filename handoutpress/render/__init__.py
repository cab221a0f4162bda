"""render: takes a resolved document and a theme and gives one output format; pdf/ today, html/ beside it later."""
