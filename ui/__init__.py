"""The Qt desktop layer. It talks to ceapp only through ceapp's public functions."""
