"""Streamlit helpers shared by every page: the warehouse connection, the filter bar, the footer and formats."""
