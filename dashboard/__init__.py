"""Jiangxi national high-tech zones dashboard: data, geography, charts and page."""
