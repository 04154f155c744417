"""migrationdata: the data behind one story on US-Mexico talks about migration and trade.

Fetch official statistics (``migrationdata fetch``), load the processed tables in pandas
(``from migrationdata.sources import darien; darien.annual()``), draw the charts
(``migrationdata build``) and check the story's claims (``migrationdata check``).

Importing the package opens no socket and reads no file: loaders read ``data/processed/``
when called, and only ``migrationdata.fetch`` talks to the network.
"""

__version__ = "0.1.0"
