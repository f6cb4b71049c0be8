"""通办 Tongban: one execution core for every level's government service matters."""

__version__ = "0.1.0"
