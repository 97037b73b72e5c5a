"""sopflow: government Standard Operating Procedures (SOP AP) as code."""

__version__ = "0.1.0"
