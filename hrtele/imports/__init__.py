"""Import of posts and employees from the HR system (CSV)."""
