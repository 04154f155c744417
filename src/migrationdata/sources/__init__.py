"""One module per publisher, all the same shape: ``SOURCE`` metadata, parsers (bytes to a raw
frame), ``process`` (raw files to the processed tables) and loaders for notebooks and claims.
The list of modules is ``migrationdata.catalog.SOURCE_IDS``."""
